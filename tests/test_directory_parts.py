"""Printed directories rendered in parts by several processes, then merged: every page's
footer counts through the whole, the outline and links are those of a directory printed whole,
QR codes still decode; the engine is not loaded by the app until a PDF is rendered."""

import io
import os
import re
import subprocess
import sys

import pypdfium2
import pytest
from pypdf import PdfReader

from app.public import directory_parts
from app.public.directory import Directory, Section
from app.public.directory_parts import cut_sections, part_count
from app.web.pdf import pdf_processes
from tests.factories import make_initiative
from tests.test_directories import page_url, qr_codes

CLUNY = "/territoires/commune/71137/annuaire.pdf"
CATEGORIES = {"Solidarité et entraide": "aide-alimentaire",
              "Inclusion numérique": "mediation-numerique", "Santé et soin": "acces-aux-soins"}


@pytest.fixture
def split_small(monkeypatch):
    """Cut even a directory of a few entries, into parts of equal entries."""
    monkeypatch.setattr(directory_parts, "MIN_PART_ENTRIES", 1)
    monkeypatch.setattr(directory_parts, "COVER_COST", 0)
    monkeypatch.setattr(directory_parts, "START_COST", 0)


@pytest.fixture
def three_categories(app, themes):
    """Two entries in each of three categories in Cluny, one with a phone and a website."""
    ids = {}
    for index, (label, theme) in enumerate(CATEGORIES.items()):
        for number in (1, 2):
            made = make_initiative(f"{label} à Cluny {number}", status="published",
                                   themes=[theme], summary="Ouvert à tous.",
                                   phone="03 85 59 12 34" if index == number == 1 else None,
                                   website="https://repair.example.org" if index == 0 else None)
            ids[made.name] = made.id
    return ids


def fetched(app, client, tmp_path, processes: int, path: str = CLUNY) -> bytes:
    """The directory rendered by so many processes (page files of its own: no cached one)."""
    app.config["PDF_PROCESSES"] = processes
    app.config["API_PAGE_FILES_DIR"] = str(tmp_path / f"pages-{processes}")
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data()


def page_texts(body: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(body)
    return [page.get_textpage().get_text_range() for page in document]


def outline(body: bytes) -> list[tuple[int, str, int, int]]:
    """The outline as (depth, title, page number from 1, top in whole points)."""
    reader = PdfReader(io.BytesIO(body))
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1,
                              round(item.top)))

    walk(reader.outline, 0)
    return found


def assert_numbered_through(body: bytes) -> list[str]:
    """Every page but the cover ends with "k / N", k its number, N the page count."""
    texts = page_texts(body)
    total = len(texts)
    assert "/ " not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert re.findall(r"\b(\d+) / (\d+)\b", text) == [(str(number), str(total))], text
    return texts


def test_directory_in_parts_numbers_every_page_through_the_whole(app, client, tmp_path,
                                                                 three_categories,
                                                                 split_small):
    body = fetched(app, client, tmp_path, processes=3)
    texts = assert_numbered_through(body)
    assert len(texts) == 5  # cover, map, one page per category
    for number, label in enumerate(CATEGORIES, start=3):
        assert label in texts[number - 1]
        assert "Cluny (71137)" in texts[number - 1]  # the running title, in every part
    assert qr_codes(body) == {page_url(id_) for id_ in three_categories.values()}


def test_directory_in_parts_keeps_the_outline_links_and_metadata_of_a_whole_one(
        app, client, tmp_path, three_categories, split_small):
    parts = fetched(app, client, tmp_path, processes=3)
    whole = fetched(app, client, tmp_path, processes=1)
    assert len(PdfReader(io.BytesIO(parts)).pages) == len(PdfReader(io.BytesIO(whole)).pages)
    assert outline(parts) == outline(whole)
    entries = {title: page for depth, title, page, _top in outline(parts) if depth == 1}
    assert [entries[label] for label in CATEGORIES] == [3, 4, 5]
    assert entries["Carte d'ensemble"] == 2
    reader = PdfReader(io.BytesIO(parts))
    assert reader.metadata.title == "Annuaire des initiatives : Cluny (71137)"
    assert reader.metadata.title == PdfReader(io.BytesIO(whole)).metadata.title
    assert reader.root_object["/Lang"] == "fr"
    links = {annotation.get_object()["/A"].get("/URI")
             for page in reader.pages for annotation in page.get("/Annots") or []}
    assert {"tel:+33385591234", "https://repair.example.org",
            "http://localhost/initiatives/new"} <= links


def test_a_long_category_is_cut_and_goes_on_under_its_name(app, client, tmp_path, themes,
                                                          split_small):
    names = [make_initiative(f"Épicerie solidaire {number}", status="published",
                             themes=["aide-alimentaire"]).name for number in range(1, 5)]
    body = fetched(app, client, tmp_path, processes=2)
    texts = assert_numbered_through(body)
    assert len(texts) == 4
    assert names[0] in texts[2] and names[1] in texts[2] and names[2] not in texts[2]
    assert "Solidarité et entraide (suite)" in texts[3] and names[3] in texts[3]
    titles = [title for _depth, title, _page, _top in outline(body)]
    assert titles.count("Solidarité et entraide") == 1
    assert not any("suite" in title for title in titles)


def test_large_print_in_parts_is_numbered_through(app, client, tmp_path, three_categories,
                                                  split_small):
    body = fetched(app, client, tmp_path, processes=2, path=CLUNY + "?gros=1")
    assert_numbered_through(body)
    assert qr_codes(body) == {page_url(id_) for id_ in three_categories.values()}


def sections(*sizes: int) -> list[Section]:
    return [Section(f"Catégorie {index}", "#000000", list(range(size)))
            for index, size in enumerate(sizes)]


def test_parts_are_cut_between_categories_when_one_is_near():
    directory = type("Directory", (), {"sections": sections(100, 130, 130, 140), "count": 500})
    parts = directory_parts.directory_parts(directory, 2)
    assert [[len(section.entries) for section in part.sections] for part in parts] == \
        [[100, 130], [130, 140]]
    assert [part.cover for part in parts] == [True, False]
    assert not any(section.continued for part in parts for section in part.sections)


def test_a_category_far_longer_than_the_others_is_cut_between_entries():
    parts = cut_sections(sections(20, 400, 80), [250])
    assert [[(len(section.entries), section.continued) for section in part.sections]
            for part in parts] == [[(20, False), (230, False)], [(170, True), (80, False)]]
    three = cut_sections(sections(500), [150, 300])
    assert [[len(section.entries) for section in part.sections] for part in three] == \
        [[150], [150], [200]]


def test_small_directories_are_printed_whole_and_long_ones_in_parts_of_bounded_size():
    assert part_count(60, 4) == 1
    assert part_count(60, 1) == 1
    # One process lays out about 100 entries at a time, so its memory does not grow with
    # the directory, even when it renders every part itself.
    assert part_count(500, 1) == part_count(500, 2) == part_count(500, 16) == 5
    assert part_count(2000, 1) == 20
    parts = directory_parts.directory_parts(
        Directory("Annuaire", sections(120, 80, 200, 100), "", None, "", ""), part_count(500, 1))
    sizes = [sum(len(section.entries) for section in part.sections) for part in parts]
    assert sum(sizes) == 500 and len(sizes) == 5
    assert sizes[0] + directory_parts.COVER_COST <= 130 and max(sizes) <= 130


def test_a_long_directory_on_a_busy_machine_is_rendered_here_one_part_at_a_time(
        app, client, tmp_path, three_categories, split_small, monkeypatch):
    from app.web import pdf_engine

    rendered = []
    real = pdf_engine.render_part
    monkeypatch.setattr(pdf_engine, "render_part", lambda html, static: (
        rendered.append(len(html)), real(html, static))[1])
    monkeypatch.setattr(directory_parts, "MAX_PART_ENTRIES", 2)
    body = fetched(app, client, tmp_path, processes=1)
    assert len(rendered) == 3  # in this process, no render process started
    assert len(assert_numbered_through(body)) == 5
    assert qr_codes(body) == {page_url(id_) for id_ in three_categories.values()}


@pytest.mark.parametrize(("setting", "load", "processes"), [
    (0, 0.2, 4), (0, 1.6, 2), (0, 3.9, 1), (0, 12.0, 1), (3, 12.0, 3), (1, 0.0, 1)])
def test_processes_follow_the_setting_else_the_idle_cpus(app, monkeypatch, setting, load,
                                                         processes):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    app.config["PDF_PROCESSES"] = setting
    assert pdf_processes() == processes


def test_creating_the_app_does_not_load_the_pdf_engine(database_url):
    script = ("import sys\nfrom app import create_app\n"
              f"create_app({{'TESTING': True, 'SQLALCHEMY_DATABASE_URI': {database_url!r}}})\n"
              "print(sorted(name for name in ('weasyprint', 'pypdf', 'pydyf')"
              " if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
