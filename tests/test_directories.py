"""Printed directories: PDFs of a commune, an EPCI, a département and a list, read back with
pypdf, their QR codes decoded from the rendered pages, their sizes, caps and fetches."""

import io
import re
import socket
import threading

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import Initiative
from app.public.directory import day_runs
from app.web.pdf import render_pdf
from app.web.pdf_engine import RefusedURL, StaticOnlyFetcher
from tests.factories import make_initiative

CLUNY_EPCI = "200040293"
MACON = "71270"
BORDEAUX = "33063"


@pytest.fixture
def entries(app, themes, tmp_path):
    """Three published entries in the Saône-et-Loire (two in Cluny), one in Bordeaux, one
    pending; page files in a folder of the test's own."""
    app.config["API_PAGE_FILES_DIR"] = str(tmp_path / "pages")
    made = {
        "repair": make_initiative("Repair café de Cluny", status="published", kind="place",
                                  themes=["aide-alimentaire"], summary="Réparer ensemble.",
                                  public_contact="03 85 59 12 34",
                                  website="https://repair.example.org"),
        "school": make_initiative("Cours en ligne de Cluny", status="published",
                                  themes=["mediation-numerique"], phone="03 85 00 00 01",
                                  street_address="1 place du Marché", postcode="71250",
                                  opening_hours="Mo-Fr 09:00-12:00"),
        "macon": make_initiative("Épicerie solidaire de Mâcon", status="published",
                                 insee=MACON, themes=["aide-alimentaire"]),
        "bordeaux": make_initiative("Atelier vélo de Bordeaux", status="published",
                                    insee=BORDEAUX, kind="place"),
        "pending": make_initiative("Projet en attente à Cluny", status="pending"),
    }
    return {key: (initiative.id, initiative.name) for key, initiative in made.items()}


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def qr_codes(body: bytes) -> set[str]:
    """The texts of every QR code on the PDF's pages, rendered at 200 dpi."""
    found = set()
    document = pypdfium2.PdfDocument(body)
    for page in document:
        image = page.render(scale=200 / 72).to_pil()
        found |= {code.text for code in zxingcpp.read_barcodes(image)}
    return found


def page_url(initiative_id: int) -> str:
    return f"http://localhost/initiatives/{initiative_id}"


def numbered(text: str, names: list[str]) -> list[str]:
    """The names in the order of their numbers in the PDF's text ("1 Name", "2 Name")."""
    spaced = re.sub(r"\s+", " ", text)
    found = {}
    for name in names:
        match = re.search(r"(\d+) " + re.escape(name), spaced)
        assert match, f"{name!r} not numbered in the PDF"
        found[int(match.group(1))] = name
    assert sorted(found) == list(range(1, len(names) + 1))
    return [found[number] for number in sorted(found)]


@pytest.mark.parametrize(("path", "inside", "filename"), [
    ("/territoires/commune/71137/annuaire.pdf", ("repair", "school"), "annuaire-cluny-71137.pdf"),
    (f"/territoires/epci/{CLUNY_EPCI}/annuaire.pdf", ("repair", "school"),
     "annuaire-communaute-de-communes-du-clunisois.pdf"),
    ("/territoires/71/annuaire.pdf", ("repair", "school", "macon"),
     "annuaire-saone-et-loire-71.pdf"),
    ("/initiatives/annuaire.pdf?kind=place", ("repair", "bordeaux"),
     "annuaire-maillage-initiatives-lieu.pdf"),
])
def test_directory_lists_numbered_entries_with_their_qr_codes(client, entries, path, inside,
                                                              filename):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{filename}"'
    body = response.get_data()
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 3  # cover, map, entries
    text = pdf_text(body)
    names = [entries[key][1] for key in inside]
    numbered(text, names)
    for key in set(entries) - set(inside):
        assert entries[key][1] not in text
    assert "Carte d'ensemble" in reader.pages[1].extract_text()
    assert qr_codes(body) == {page_url(entries[key][0]) for key in inside}


def test_entries_are_grouped_by_top_category_and_numbered_through(client, entries):
    text = pdf_text(client.get("/territoires/71/annuaire.pdf").get_data())
    # Solidarity comes before digital in the tree; names sort without their accents.
    order = numbered(text, ["Repair café de Cluny", "Épicerie solidaire de Mâcon",
                            "Cours en ligne de Cluny"])
    assert order == ["Épicerie solidaire de Mâcon", "Repair café de Cluny",
                     "Cours en ligne de Cluny"]
    spaced = re.sub(r"\s+", " ", text)
    assert spaced.index("Solidarité et entraide") < spaced.index("Inclusion numérique")


def test_entry_shows_phone_address_hours_website_and_date(client, entries):
    body = client.get("/territoires/commune/71137/annuaire.pdf").get_data()
    text = re.sub(r"\s+", " ", pdf_text(body))
    # A phone from the public contact, written in words as a phone before the phone field.
    assert "Téléphone : 03 85 59 12 34" in text
    assert "Site web : https://repair.example.org" in text
    assert "Commune : Cluny (71)" in text
    assert re.search(r"(Informations confirmées|Mise à jour) le \d+ \w+ \d{4}", text)
    assert "Téléphone : 03 85 00 00 01" in text
    assert "Adresse : 1 place du Marché, 71250 Cluny" in text
    assert re.search(r"Horaires : .*09:00–12:00", text)
    # Monday to Friday alike: one or two rows (split where the seven days from today wrap).
    assert 1 <= text.count("09:00–12:00") <= 2
    assert re.search(r"\w+ – \w+ : 09:00–12:00", text)
    links = {annotation.get_object()["/A"].get("/URI")
             for page in PdfReader(io.BytesIO(body)).pages
             for annotation in page.get("/Annots") or []}
    assert {"tel:+33385591234", "tel:+33385000001"} <= links


def test_days_with_the_same_hours_print_as_one_row():
    days = [("Samedi", "10:00–12:00"), ("Dimanche", "fermé"), ("Lundi", "09:00–12:00"),
            ("Mardi", "09:00–12:00"), ("Mercredi", "09:00–12:00"), ("Jeudi", "fermé"),
            ("Vendredi", "fermé")]
    assert day_runs(days) == [("Samedi", "10:00–12:00"), ("Dimanche", "fermé"),
                              ("Lundi – Mercredi", "09:00–12:00"),
                              ("Jeudi – Vendredi", "fermé")]
    assert day_runs([]) == []


def font_sizes(body: bytes, page_number: int) -> dict[str, float]:
    """The effective size (pt) of each piece of text drawn on a page."""
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = round(size * (tm[3] ** 2 + tm[2] ** 2) ** 0.5
                                        * (cm[3] ** 2 + cm[2] ** 2) ** 0.5, 1)

    PdfReader(io.BytesIO(body)).pages[page_number].extract_text(visitor_text=visit)
    return sizes


def body_sizes(body: bytes) -> list[float]:
    """The sizes of an entry's text on the first page of entries (the running footer apart)."""
    sizes = font_sizes(body, 2)
    pieces = [size for text, size in sizes.items()
              if any(word in text for word in ("Réparer ensemble", "Commune", "Cluny (71)",
                                               "Mise à jour", "Téléphone", "03 85"))]
    assert len(pieces) >= 4, sizes
    return pieces


def test_large_print_sets_the_body_in_16_points(client, entries):
    standard = client.get("/territoires/commune/71137/annuaire.pdf")
    large = client.get("/territoires/commune/71137/annuaire.pdf?gros=1")
    assert large.headers["Content-Disposition"].endswith('-gros-caracteres.pdf"')
    assert max(body_sizes(standard.get_data())) < 12
    assert min(body_sizes(large.get_data())) >= 16
    assert qr_codes(large.get_data()) == {page_url(entries[k][0]) for k in ("repair", "school")}


def test_easy_reading_layout_prints_every_entry(client, entries):
    body = client.get("/territoires/71/annuaire.pdf?facile=1").get_data()
    numbered(pdf_text(body), [entries[k][1] for k in ("repair", "macon", "school")])


def test_too_many_entries_ask_to_narrow_the_filters(app, client, entries):
    app.config["PDF_MAX_ENTRIES"] = 2
    response = client.get("/territoires/71/annuaire.pdf?kind=place&kind=initiative")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "compte 3 initiatives" in page and "au plus 2" in page
    assert 'href="/initiatives?kind=place&amp;kind=initiative&amp;departement=71"' in page
    assert client.get("/territoires/commune/71137/annuaire.pdf").status_code == 200


def test_directory_is_kept_per_data_version(app, client, entries):
    path = "/territoires/commune/71137/annuaire.pdf"
    first = client.get(path)
    again = client.get(path)
    assert again.get_data() == first.get_data()
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with write_transaction():
        repair = db.session.get(Initiative, entries["repair"][0])
        update_initiative(repair, {"name": "Repair café du Clunisois"}, author=None)
    changed = client.get(path)
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert "Repair café du Clunisois" in pdf_text(changed.get_data())


def test_unknown_territories_are_404(client, entries):
    assert client.get("/territoires/commune/99999/annuaire.pdf").status_code == 404
    assert client.get("/territoires/epci/123/annuaire.pdf").status_code == 404
    assert client.get("/territoires/XX/annuaire.pdf").status_code == 404


def test_pages_link_to_their_directory(client, entries):
    pages = {"/territoires/commune/71137": "/territoires/commune/71137/annuaire.pdf",
             f"/territoires/epci/{CLUNY_EPCI}": f"/territoires/epci/{CLUNY_EPCI}/annuaire.pdf",
             "/territoires/71": "/territoires/71/annuaire.pdf",
             "/initiatives?kind=place": "/initiatives/annuaire.pdf?kind=place"}
    for page, directory in pages.items():
        html = client.get(page).get_data(as_text=True)
        assert "Imprimer l&#39;annuaire" in html or "Imprimer l'annuaire" in html
        assert f'href="{directory}' in html, page
    assert 'href="/initiatives/annuaire.pdf?kind=place&amp;gros=1"' in html


class CountingServer:
    """A TCP listener on the loopback that counts the connections it receives."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.socket.close()


def test_pdf_engine_fetches_nothing_remote(app):
    server = CountingServer()
    try:
        remote = f"http://127.0.0.1:{server.port}"
        with app.test_request_context():
            body = render_pdf(f'<link rel="stylesheet" href="{remote}/a.css">'
                              f'<img src="{remote}/b.png"><img src="file:///etc/hostname">'
                              f'<p style="background: url({remote}/c.png)">Bonjour</p>'
                              '<link rel="stylesheet" href="css/directory.css">')
    finally:
        server.close()
    assert server.connections == 0
    assert "Bonjour" in pdf_text(body)


def test_fetcher_serves_static_files_and_data_only(app):
    fetcher = StaticOnlyFetcher(app.static_folder)
    css = fetcher.fetch(f"file://{app.static_folder}/css/directory.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("http://example.org/x.png", "file:///etc/passwd",
                f"file://{app.static_folder}/../pyproject.toml", "ftp://example.org/f"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_dossier_directory_prints_its_public_initiatives(client, entries):
    from app.initiatives.dossiers import save_dossier

    ids = [entries[key][0] for key in ("bordeaux", "school", "pending")]
    with write_transaction():
        save_dossier(None, {"slug": "ateliers", "title": "Ateliers et cours",
                            "initiatives": ids}, None)
    response = client.get("/dossiers/ateliers/annuaire.pdf")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'inline; filename="annuaire-ateliers-et-cours.pdf"'
    body = response.get_data()
    text = pdf_text(body)
    numbered(text, [entries["bordeaux"][1], entries["school"][1]])
    assert entries["pending"][1] not in text and entries["repair"][1] not in text
    assert qr_codes(body) == {page_url(entries[key][0]) for key in ("bordeaux", "school")}
    page = client.get("/dossiers/ateliers").get_data(as_text=True)
    assert 'href="/dossiers/ateliers/annuaire.pdf"' in page
    assert client.get("/dossiers/nothing/annuaire.pdf").status_code == 404
