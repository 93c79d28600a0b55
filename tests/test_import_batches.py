"""Large imports: duplicates found from the grid and rows written by batches give the
answers of find_duplicates and create_initiative, row by row."""

import difflib
import random

import sqlalchemy as sa
from rapidfuzz.distance import LCSseq

from app.exchange import imports, neighbours
from app.exchange.mapping import guess_mapping
from app.exchange.neighbours import Existing, ExistingDuplicates, ExistingNear
from app.exchange.report_rows import ReportRows, RowReport
from app.extensions import db
from app.geo.distances import METRES_PER_DEGREE
from app.initiatives.duplicates import (
    RADIUS_M,
    SIMILARITY,
    find_duplicates,
    similar,
    with_websites,
)
from app.models import Initiative, Revision
from app.text import fold
from tests.factories import make_initiative, recorded_statements
from tests.test_import import commit, plan, source_of

CLUNY = (4.659, 46.434)


def plain_similar(a: str, b: str) -> bool:
    """similar() as it was written first: fold, containment, then the full ratio."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= SIMILARITY


def longest_common_subsequence(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for index, other in enumerate(b):
            current.append(previous[index] + 1 if char == other
                           else max(previous[index + 1], current[index]))
        previous = current
    return previous[-1]


def test_bounds_before_the_ratio_give_the_same_answer():
    chooser = random.Random(7)
    words = ["maison", "du", "vélo", "atelier", "L'Atelier", "fab", "lab", "de", "Cluny",
             "tiers-lieu", "Œuvre", "café", "réparation", "(import 12)", "a", "b"]
    for _ in range(3000):
        a = " ".join(chooser.choices(words, k=chooser.randint(0, 6)))
        b = " ".join(chooser.choices(words, k=chooser.randint(0, 6)))
        assert similar(a, b) == plain_similar(a, b), (a, b)
        assert LCSseq.similarity(fold(a), fold(b)) == longest_common_subsequence(
            fold(a), fold(b))


def offset(metres_north: float, metres_east: float = 0.0) -> tuple[float, float]:
    lon, lat = CLUNY
    return lon + metres_east / 76_600, lat + metres_north / METRES_PER_DEGREE


def test_grid_finds_what_find_duplicates_finds_at_the_radius(themes):
    """Same place, just inside and just outside the 1 km box, on both sides of a cell edge."""
    near_edge = [offset(metres) for metres in (0, RADIUS_M - 1, RADIUS_M - 0.01,
                                               RADIUS_M + 0.5, RADIUS_M + 20, -RADIUS_M + 1)]
    near_edge += [offset(0, metres) for metres in (RADIUS_M - 2, RADIUS_M + 2, -RADIUS_M + 2)]
    for number, (lon, lat) in enumerate(near_edge):
        make_initiative(f"Atelier vélo {number}", lon=lon, lat=lat, kind="place",
                        status="published", private_email=None, themes=None)
    make_initiative("Atelier vélo au même endroit", lon=CLUNY[0], lat=CLUNY[1], kind="place",
                    status="published", private_email=None, themes=None)
    rows = [f"{n},Atelier velo {n % 9},{lat},{lon}" for n, (lon, lat) in
            enumerate(offset(metres, east) for metres in range(-1100, 1101, 50)
                      for east in (0, 990, 1010))]
    report = plan("id,name,lat,lon\n" + "\n".join(rows) + "\n")  # ids: no file neighbours
    assert len(report.rows) > imports.FEW_ROWS
    for row in report.rows:
        lon, lat = row.data["lon"], row.data["lat"]
        expected = imports.duplicate_reasons(find_duplicates(row.data["name"], lon, lat), [])
        assert row.reasons == expected
        assert row.action == ("duplicate" if expected else "create")
    assert {row.action for row in report.rows} == {"duplicate", "create"}


def test_batches_write_every_row_with_its_revision_in_file_order(themes, monkeypatch):
    monkeypatch.setattr(imports.Writer, "BATCH", 2)
    existing = make_initiative("Ancien nom", external_id="import:test:1", kind="place",
                               status="published", private_email=None, themes=None)
    csv = ("id,name,commune,tags\n1,Nouveau nom,Cluny,\n"
           + "".join(f"{n},Lieu {n},Rennes,jardin;Lieu {n % 2}\n" for n in range(2, 9)))
    report = commit(csv)
    assert [row.action for row in report.rows] == ["update", *["create"] * 7]
    assert report.rows[0].written_id == existing.id
    created = [row.written_id for row in report.rows[1:]]
    assert created == sorted(created) and len(set(created)) == 7
    revisions = db.session.execute(sa.select(Revision.initiative_id, Revision.action)
                                   .order_by(Revision.id)).all()
    assert revisions[1:] == [(existing.id, "update"), *[(i, "create") for i in created]]
    for initiative_id in created:
        initiative = db.session.get(Initiative, initiative_id)
        assert initiative.public_feature is None  # pending: no public feature
        assert sorted(tag.name for tag in initiative.tags)[0] == "jardin"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 8


def test_grid_finds_what_find_duplicates_finds_by_website(themes):
    """On a large file the website index comes from the grid's one read of the table."""
    sites = ["https://velo.example.org/", "http://www.cafe.example.org", None]
    for number, site in enumerate(sites * 3):
        make_initiative(f"Lieu {number}", lon=CLUNY[0] + number / 20, lat=CLUNY[1], kind="place",
                        status=("published", "pending", "rejected")[number // 3],
                        website=site, private_email=None, themes=None)
    rows = [f"{n},Autre nom {n},{CLUNY[1] - 2},{CLUNY[0]},"
            f"{('https://velo.example.org', 'https://cafe.example.org/', '')[n % 3]}"
            for n in range(imports.FEW_ROWS + 3)]
    report = plan("id,name,lat,lon,website\n" + "\n".join(rows) + "\n")
    for row in report.rows:
        expected = imports.duplicate_reasons(find_duplicates(
            row.data["name"], row.data["lon"], row.data["lat"], row.data.get("website")), [])
        assert row.reasons == expected
    assert {len(row.reasons) for row in report.rows} == {0, 2}


def test_a_batch_holds_only_the_initiatives_near_its_rows_or_on_their_websites(themes):
    """What a batch keeps grows with the batch, not with the table: nothing from Brest."""
    near = [make_initiative(f"Lieu {number}", lon=CLUNY[0], lat=CLUNY[1] + number / 200,
                            kind="place", status="published", private_email=None, themes=None,
                            website=f"https://{number}.example.org/page")
            for number in range(3)]
    for number in range(3):
        make_initiative(f"Lieu {number}", lon=-4.486, lat=48.39, kind="place", status="published",
                        website=f"https://{number}.example.org/autre", private_email=None,
                        themes=None)
    far_site = make_initiative("Loin", lon=-4.486, lat=48.39, kind="place", status="published",
                               website="https://www.2.example.org/page/", private_email=None,
                               themes=None)
    batch = ExistingNear([CLUNY], ["https://2.example.org/page"])
    held = {item.id for cell in batch.grid.cells.values() for *_, item in cell}
    assert held == {near[0].id, near[1].id, near[2].id, far_site.id}
    assert batch.matching("http://2.example.org/page/") == [
        Existing(near[2].id, "Lieu 2"), Existing(far_site.id, "Loin")]
    assert all(type(item) is Existing for cell in batch.grid.cells.values() for *_, item in cell)


def test_a_large_file_reads_its_possible_duplicates_one_statement_per_batch(themes, monkeypatch):
    monkeypatch.setattr(imports, "NEAR_BATCH", 20)
    reads = []
    read = neighbours.candidates
    monkeypatch.setattr(neighbours, "candidates", lambda *args: reads.append(read(*args))
                        or reads[-1])
    make_initiative("Atelier vélo", lon=CLUNY[0], lat=CLUNY[1], kind="place",
                    status="published", private_email=None, themes=None)
    make_initiative("Atelier vélo", lon=-4.486, lat=48.39, kind="place",
                    status="published", private_email=None, themes=None)
    rows = [f"{n},Atelier velo,{CLUNY[1]},{CLUNY[0]}" for n in range(imports.FEW_ROWS + 10)]
    source = source_of("id,name,lat,lon\n" + "\n".join(rows) + "\n")
    report = imports.dry_run(source, guess_mapping(source), imports.ImportOptions())
    assert len(reads) == 3 and all(len(found) == 1 for found in reads)
    assert {row.action for row in report.rows} == {"duplicate"}


def test_a_batch_reads_its_candidates_with_the_same_sql_whatever_its_size(themes):
    """Its boxes and websites are parameters: the statements are compiled once per process."""
    with recorded_statements() as statements:
        ExistingNear([CLUNY], ["https://a.example.org"])
        ExistingNear([offset(number * 100) for number in range(50)],
                     [f"https://{number}.example.org/lieu" for number in range(30)])
    reads = [statement for statement in statements if statement.startswith("SELECT DISTINCT")]
    assert len(reads) == 4 and reads[0] == reads[2] and reads[1] == reads[3]


def test_a_website_key_reads_its_own_websites_not_those_it_begins(themes):
    """The ranges read the key with nothing, slashes, a query or a fragment after it: not
    "/10" for "/1" (at a million initiatives, "…/1" read a ninth of a town's pages), nor a
    longer host for a host, but a host's pages for the host (compared in Python)."""
    kept = ["https://x.example.org/1", "http://www.x.example.org/1/", "https://x.example.org/1?p=2",
            "https://X.example.org/1#haut", "https://x.example.org"]
    others = ["https://x.example.org/10", "https://x.example.org/1a", "https://x.example.org/2",
              "https://x.example.org.autre.fr/1", "https://x.example.orga/1"]
    made = {site: make_initiative(f"Lieu {number}", lon=-4.486, lat=48.39, kind="place",
                                  status="published", website=site, private_email=None,
                                  themes=None).id
            for number, site in enumerate(kept + others)}
    read = {row.id for row in db.session.execute(with_websites(
        ["x.example.org/1"], Initiative.id, Initiative.website))}
    assert read == {made[site] for site in kept[:4]}
    host = {row.id for row in db.session.execute(with_websites(["x.example.org"], Initiative.id))}
    assert made["https://x.example.org/10"] in host and made["https://x.example.orga/1"] not in host
    assert ExistingNear([], ["https://x.example.org/"]).matching("https://x.example.org") == [
        Existing(made["https://x.example.org"], "Lieu 4")]
    assert sorted(ExistingNear([], ["https://www.x.example.org/1/"]).matching(
        "http://x.example.org/1")) == [Existing(made[site], name) for site, name in
                                     zip(kept[:4], ("Lieu 0", "Lieu 1", "Lieu 2", "Lieu 3"),
                                         strict=True)]


def test_rows_near_each_other_share_a_read_wherever_they_are_in_the_file(themes, monkeypatch):
    """Rows in Cluny and in Brest, alternating in the file: each read of the table is for
    one town's rows, and each row gets find_duplicates' answer."""
    monkeypatch.setattr(imports, "NEAR_BATCH", 10)
    reads = []
    read = neighbours.candidates
    monkeypatch.setattr(neighbours, "candidates", lambda boxes, sites: reads.append(
        (boxes, read(boxes, sites))) or reads[-1][1])
    brest = (-4.486, 48.39)
    for town in (CLUNY, brest):
        make_initiative("Atelier vélo", lon=town[0], lat=town[1], kind="place",
                        status="published", private_email=None, themes=None)
    rows = [f"{n},Atelier velo,{town[1] + n / 100_000},{town[0]}"
            for n in range(imports.FEW_ROWS + 10) for town in [(CLUNY, brest)[n % 2]]]
    report = plan("id,name,lat,lon\n" + "\n".join(rows) + "\n")
    assert len(reads) == 12  # plan() plans twice: 60 rows, 30 a town, 10 a read
    for boxes, found in reads:
        assert len({round(box[0]) for box in boxes}) == 1 and len(found) == 1
    for row in report.rows:
        assert row.reasons == imports.duplicate_reasons(find_duplicates(
            row.data["name"], row.data["lon"], row.data["lat"]), []) != []


def test_a_row_names_its_first_possible_duplicates_and_counts_the_others(themes):
    """Dozens of look-alikes in a crowded town: five named by id, the rest counted; the
    file's own look-alikes likewise."""
    made = [make_initiative(f"Atelier vélo {number}", lon=CLUNY[0], lat=CLUNY[1], kind="place",
                            status="published", private_email=None, themes=None)
            for number in range(12)]
    rows = [f"Atelier velo,{CLUNY[1] + n / 10_000},{CLUNY[0]}"  # 11 m apart
            for n in range(imports.FEW_ROWS + 2)]
    report = plan("name,lat,lon\n" + "\n".join(rows) + "\n")  # no ids: file look-alikes
    first, last = report.rows[0], report.rows[-1]
    named = [f"Doublon possible de l'initiative n° {i.id} « {i.name} »." for i in made[:5]]
    assert first.reasons == [*named, "Et 7 autres initiatives semblables à moins de 1 km ou "
                             "au même site."]
    assert last.reasons[:6] == first.reasons
    assert last.reasons[6:] == [*(f"Doublon possible de ligne {n} du fichier." for n in
                                  range(2, 7)),
                                f"Et {imports.FEW_ROWS - 4} autres lignes semblables du "
                                "fichier à moins de 1 km."]
    looked_up = ExistingDuplicates([(1, "Atelier velo", CLUNY, None)], imports.NEAR_BATCH,
                                   kept=imports.NAMED_DUPLICATES + 1)
    assert looked_up.of(1) == ([Existing(i.id, i.name) for i in made[:6]], 12)
    assert set(looked_up.names) == {i.id for i in made[:6]}  # the others' names not kept
    six = imports.duplicate_reasons(made[:6], [])
    assert len(six) == 6 and six[-1].startswith(f"Doublon possible de l'initiative n° {made[5].id}")


def test_a_report_is_read_back_from_its_file_in_order_as_often_as_needed():
    rows = ReportRows()
    for numbers in (range(1, 4), range(4, 6), range(6, 7)):
        rows.extend(RowReport(n, f"ligne {n}", f"Lieu {n}", "duplicate", [f"Raison {n}."],
                              data={"name": f"Lieu {n}"}, target_id=n * 10) for n in numbers)
    assert len(rows) == 6 and len(rows.batches) == 3
    first, second = iter(rows), iter(rows)
    interleaved = [(next(first).number, next(second).number) for _ in range(4)]
    assert interleaved == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert [row.number for row in first] == [5, 6]
    read = list(rows)
    assert read == list(rows) and [row.reasons for row in read][-1] == ["Raison 6."]
    assert {row.data for row in read} == {None}  # values are not kept
    assert rows[-1].target_id == 60 and [row.label for row in rows[1:3]] == ["ligne 2",
                                                                             "ligne 3"]


def test_a_commit_reports_every_row_in_file_order_between_its_batches(themes, monkeypatch):
    """Rows that create nothing wait for the created ones before them: the report keeps the
    file's order whatever the batches, each created row saying what it became."""
    monkeypatch.setattr(imports.Writer, "BATCH", 2)
    csv = ("id,name,commune\n1,Lieu A,Cluny\n2,,Cluny\n3,,Cluny\n4,,Cluny\n5,Lieu B,Rennes\n"
           "6,Lieu C,Lyon\n7,,Lyon\n8,Lieu D,Lille\n")
    report = commit(csv)
    rows = list(report.rows)
    assert [(row.label, row.action) for row in rows] == [
        ("ligne 2", "create"), *((f"ligne {n}", "error") for n in (3, 4, 5)),
        ("ligne 6", "create"), ("ligne 7", "create"), ("ligne 8", "error"),
        ("ligne 9", "create")]
    created = [row.written_id for row in rows if row.action == "create"]
    assert created == sorted(created) and len(set(created)) == 4 == report.written
    assert [db.session.get(Initiative, id_).name for id_ in created] == [
        "Lieu A", "Lieu B", "Lieu C", "Lieu D"]
    assert {row.written_id for row in rows if row.action == "error"} == {None}
    assert report.committed and report.counts == {"create": 4, "update": 0, "unchanged": 0,
                                                  "duplicate": 0, "error": 4}
    assert len(report.rows.batches) > 2  # written out as the batches went
