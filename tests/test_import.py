"""Imports: uMap's own test files, CSV from spreadsheets, the dry run, the commit, re-imports."""

import copy
import json

import pytest
import shapely
import sqlalchemy as sa

from app.database import write_transaction
from app.exchange import imports
from app.exchange.errors import ImportFileError
from app.exchange.mapping import guess_mapping
from app.exchange.placing import inner_point
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives import services
from app.initiatives.fields import InvalidInitiative
from app.models import Initiative, Revision
from tests.conftest import PEERS_UMAP
from tests.factories import make_initiative

MAX_BYTES = 10 * 1024 * 1024
NOT_A_POINT = "Pas un point"
ABROAD = "hors de France"
# What uMap's own tests (umap/tests/integration/test_import.py) say of each file, as
# (rows created, {reason: rows in error with it}); their points outside France are refused.
UMAP_OUTCOMES = {
    "test_upload_data.json": (0, {ABROAD: 2, NOT_A_POINT: 3}),  # 1 line, 2 polygons reported
    "test_upload_simple_marker.json": (0, {ABROAD: 1}),
    "test_upload_missing_name.json": (0, {ABROAD: 2, NOT_A_POINT: 2}),  # the unnamed one too
    "test_upload_empty_coordinates.json": (0, {"Géométrie vide": 3}),  # dropped
    "test_upload_non_linear_ring.json": (0, {NOT_A_POINT: 1}),
    "test_upload_data.csv": (0, {ABROAD: 2}),  # Latitude / geo_Longitude headers, in Austria
    "test_upload_data.umap": (1, {NOT_A_POINT: 2}),  # all layers: Cities and Tunnels
    "test_upload_data_with_enum.umap": (4, {}),
    "test_upload_data_with_iconurl.umap": (2, {}),  # named by the layer's labelKey
    "categorized_highway.geojson": (0, {NOT_A_POINT: 32}),
    "choropleth_region_chomage.geojson": (0, {NOT_A_POINT: 13}),
    "test_circles_layer.geojson": (9, {"Nom : Ce champ est obligatoire": 1}),
}
needs_peers = pytest.mark.skipif(
    not PEERS_UMAP.is_dir(), reason=f"uMap's test files are not at {PEERS_UMAP}")


def source_of(data: bytes | str, filename: str = "test.csv"):
    data = data.encode() if isinstance(data, str) else data
    return parse_source(data, filename, MAX_BYTES)


def plan(data, filename="test.csv", mapping=None, **options) -> imports.ImportReport:
    """The dry run's report, each row with the values it planned (which the dry run's own
    report drops, to stay small)."""
    source = source_of(data, filename) if not hasattr(data, "rows") else data
    chosen = guess_mapping(source) if mapping is None else mapping
    report = imports.dry_run(source, chosen, imports.ImportOptions(**options))
    context = imports.import_context(source, chosen, imports.ImportOptions(**options))
    planned = imports.Planner(context).plan_all(source.rows)
    assert [without_values(row) for row in planned] == list(report.rows)
    report.rows = planned
    return report


def without_values(row: imports.RowReport) -> imports.RowReport:
    row = copy.copy(row)
    row.data = None
    return row


def commit(data, filename="test.csv", mapping=None, **options) -> imports.ImportReport:
    source = source_of(data, filename)
    with write_transaction():
        return imports.commit(source, mapping or guess_mapping(source),
                              imports.ImportOptions(**options), author=None)


def count_initiatives() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Initiative))


def reasons_by_kind(report) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in report.rows:
        if row.action == "error":
            # A row says all that is wrong: counted by its place first, then by its name.
            said = " ".join(row.reasons)
            key = next((k for k in (NOT_A_POINT, "Géométrie vide", ABROAD,
                                    "Nom : Ce champ est obligatoire") if k in said), said)
            found[key] = found.get(key, 0) + 1
    return found


@needs_peers
def test_every_umap_test_file_has_an_expected_outcome():
    files = {p.name for p in PEERS_UMAP.iterdir()
             if p.suffix in (".json", ".geojson", ".umap", ".csv")}
    assert files == set(UMAP_OUTCOMES)


@needs_peers
@pytest.mark.parametrize("name", sorted(UMAP_OUTCOMES))
def test_umap_test_files_dry_run_as_umap_describes(themes, name):
    created, errors = UMAP_OUTCOMES[name]
    report = plan((PEERS_UMAP / name).read_bytes(), name)
    assert report.counts["create"] == created
    assert reasons_by_kind(report) == errors
    assert report.counts["create"] + report.counts["error"] == len(report.rows)
    assert count_initiatives() == 0  # a dry run writes nothing


@needs_peers
def test_umap_files_keep_names_and_layers(themes):
    report = plan((PEERS_UMAP / "test_upload_data.umap").read_bytes(), "map.umap")
    assert [(row.label, row.action) for row in report.rows] == [
        ("calque « Cities », objet 1", "error"), ("calque « Cities », objet 2", "create"),
        ("calque « Tunnels », objet 1", "error")]
    assert report.rows[1].name == "Lille"
    iconurl = plan((PEERS_UMAP / "test_upload_data_with_iconurl.umap").read_bytes(), "a.umap")
    assert [row.name for row in iconurl.rows] == ["ALLUY", "ARQUIAN"]


@needs_peers
def test_umap_csv_coordinates_come_from_latitude_like_headers(themes):
    data = (PEERS_UMAP / "test_upload_data.csv").read_text().replace("48.5,14.5", "46.43,4.66")
    report = plan(data, "test_upload_data.csv")  # its first point moved from Austria to Cluny
    first = report.rows[0]
    assert (first.name, first.data["lat"], first.data["lon"]) == ("a point somewhere", 46.43, 4.66)
    assert first.data["description"] == "the description of this point"


@needs_peers
def test_shapes_become_a_point_inside_them_when_asked(themes):
    path = PEERS_UMAP / "test_upload_non_linear_ring.json"
    report = plan(path.read_bytes(), path.name, shapes_to_points=True)
    assert ABROAD in report.rows[0].reasons[0]  # made a point, then refused: it is in Germany
    ring = parse_source(path.read_bytes(), path.name, MAX_BYTES).rows[0].geometry
    polygon = shapely.make_valid(shapely.Polygon(ring["coordinates"][0]))
    assert polygon.contains(shapely.Point(inner_point(ring)))
    regions = plan((PEERS_UMAP / "choropleth_region_chomage.geojson").read_bytes(),
                   "regions.geojson", shapes_to_points=True)
    assert regions.counts["create"] == 13
    corse = next(row for row in regions.rows if row.name == "Corse")
    assert 8.5 < corse.data["lon"] < 9.6 and 41.3 < corse.data["lat"] < 43.1


def test_csv_with_semicolons_and_decimal_commas(themes):
    report = plan("lat;lon;foobar\n46,43;4,66;mypoint\n48,11;-1,68;mypoint2\n",
                  mapping={"lat": "lat", "lon": "lon", "name": "foobar"})
    assert [(r.action, r.data["lat"], r.data["lon"]) for r in report.rows] == [
        ("create", 46.43, 4.66), ("create", 48.11, -1.68)]


def test_csv_cells_may_hold_newlines_and_delimiters(themes):
    csv = ('name,description,commune\n"Atelier","Ligne 1\n\nLigne 2; avec | tout, ici",Cluny\n'
           "Jardin,Court,Rennes\n")
    rows = plan(csv).rows
    assert [row.action for row in rows] == ["create", "create"]
    assert rows[0].data["description"] == "Ligne 1\n\nLigne 2; avec | tout, ici"


def test_csv_located_by_commune_name_insee_or_postcode(themes):
    csv = ("nom\tcommune\tcode_insee\tcode postal\n"
           "Par le nom\tCluny\t\t\n"
           "Par l'INSEE sans zéro\t\t1001\t\n"
           "Par le code postal et le nom\tCluny\t\t71250\n"
           "Nom partagé\tSaint-Denis\t\t\n"
           "Code postal partagé\t\t\t71250\n"
           "Nulle part\tAtlantide\t\t\n")
    rows = plan(csv).rows
    assert [r.action for r in rows[:3]] == ["create"] * 3
    assert [r.data["insee"] for r in rows[:3]] == ["71137", "01001", "71137"]
    assert rows[0].data["location_precision"] == "commune"
    assert "communes s'appellent" in rows[3].reasons[0]
    assert "couvre" in rows[4].reasons[0]
    assert rows[5].reasons == ["Commune inconnue : Atlantide."]


def test_row_errors_say_why(themes):
    csv = ("name,lat,lon,website,kind,theme\n"
           f"{'x' * 201},46.4,4.6,,,\n"
           "Trop au nord,95,4.6,,,\n"
           "Mauvais site,46.4,4.6,javascript:alert(1),,\n"
           "Nature inconnue,46.4,4.6,,château,\n"
           "Thème inconnu,46.4,4.6,,,Astrologie\n"
           "Bon,46.4,4.6,www.example.org,Lieu,Gestion de crise\n")
    rows = plan(csv).rows
    assert rows[0].reasons == ["Nom : 200 caractères au plus (201 reçus)."]
    assert rows[1].reasons[0].startswith("Latitude : Coordonnée hors limites")
    assert rows[2].reasons[0].startswith("Site web : Adresse web invalide")
    assert rows[3].reasons[0].startswith("Nature : Valeur inconnue")
    assert rows[4].reasons == ["Thème inconnu : Astrologie."]
    good = rows[5]
    assert good.action == "create"
    assert (good.data["kind"], good.data["themes"], good.data["website"]) == (
        "place", ["gestion-de-crise"], "https://www.example.org")


@pytest.mark.parametrize(("cell", "slugs"), [
    ("Jeunesse, éducation et familles", ["jeunesse-education"]),
    ("Jeunesse, éducation et familles; Gestion de crise",
     ["jeunesse-education", "gestion-de-crise"]),
    ("youth, education and families | continuite-service-public",
     ["jeunesse-education", "continuite-service-public"]),
    ("gestion-de-crise, continuite-service-public",
     ["gestion-de-crise", "continuite-service-public"]),
    ("Gestion de crise, Jeunesse, éducation et familles",
     ["gestion-de-crise", "jeunesse-education"]),
])
def test_theme_labels_holding_commas_are_one_theme(themes, cell, slugs):
    row = plan(f'name,lat,lon,themes\nAtelier,46.4,4.6,"{cell}"\n').rows[0]
    assert (row.action, row.data["themes"]) == ("create", slugs)


def test_unknown_themes_are_named_beside_the_known_ones(themes):
    row = plan('name,lat,lon,themes\nAtelier,46.4,4.6,"Gestion de crise, Astrologie; x, y"\n')
    assert row.rows[0].reasons == ["Thème inconnu : Astrologie, x, y."]


def test_theme_labels_may_not_hold_an_import_separator(themes):
    from app.initiatives.themes import InvalidTheme, check_theme

    values = {"slug": "a-b", "label_fr": "Arts; lettres", "label_en": "Arts | letters",
              "colour": "#000000", "icon": "star"}
    with pytest.raises(InvalidTheme) as refused:
        check_theme(values, None)
    assert set(refused.value.errors) == {"label_fr", "label_en"}


def test_every_error_of_a_row_is_reported(themes):
    csv = ("name,commune,website,kind,themes,research_partnership\n"
           f"{'x' * 201},Atlantide,javascript:alert(1),château,Astrologie,peut-être\n")
    reasons = plan(csv).rows[0].reasons
    assert reasons[:3] == ["Thème inconnu : Astrologie.",
                           "Partenariat de recherche : oui ou non attendu.",
                           "Commune inconnue : Atlantide."]
    assert [reason.split(" : ")[0] for reason in reasons[3:]] == ["Nom", "Site web", "Nature"]


def test_mapping_names_the_columns_to_use(themes):
    csv = "Titre,Texte,Y,X\nAtelier,Un atelier,46.43,4.66\n"
    assert plan(csv, mapping={"name": "Titre", "lat": "Y", "lon": "X"}).rows[0].action == "create"
    with pytest.raises(ImportFileError, match="nom"):
        plan(csv, mapping={"lat": "Y", "lon": "X"})


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b'{"type": "FeatureCollection", "features": [', "a.geojson", "JSON invalide"),
    (b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}',
     "a.geojson", "JSON invalide"),
    (b"[" * 100_000 + b"]" * 100_000, "deep.json", "JSON invalide"),
    ("nom;commune\nCafé;Cluny\n".encode("latin-1"), "latin1.csv", "UTF-8"),
    ('{"type": "Feature", "nom": "é"}'.encode("latin-1"), "latin1.geojson", "UTF-8"),
    (b'{"type": "Topology"}', "topo.json", "ni du GeoJSON"),
    (b"", "empty.csv", "vide"),
])
def test_malformed_files_are_refused_clearly(themes, data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        source_of(data, filename)


def test_a_50_megabyte_file_is_refused_before_parsing(themes):
    data = b"name,lat,lon\n" + b"x,46.4,4.6\n" * (50 * 1024 * 1024 // 11)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        source_of(data)


def test_the_row_cap_stops_reading_the_file_at_the_first_row_over_it(themes):
    # Past the cap, a cell beyond the csv module's limit: only a reader going on sees it.
    data = ("name,lat,lon\n" + "x,46.4,4.6\n" * 3 + f'"{"y" * 200_000}",46.4,4.6\n').encode()
    with pytest.raises(ImportFileError, match="plus de 2 lignes ou objets"):
        parse_source(data, "a.csv", MAX_BYTES, max_rows=2)
    with pytest.raises(ImportFileError, match="CSV illisible ligne 5"):
        parse_source(data, "a.csv", MAX_BYTES, max_rows=10)
    assert len(parse_source(data[:data.index(b'"')], "a.csv", MAX_BYTES, max_rows=3).rows) == 3


@pytest.mark.parametrize(
    "document", [{"type": "FeatureCollection", "features": [{"type": "Feature"}] * 3},
                 {"type": "umap", "layers": [{"type": "FeatureCollection", "features": [
                     {"type": "Feature"}] * 2}] * 2}], ids=["geojson", "umap"])
def test_the_row_cap_counts_features_before_building_rows(themes, document):
    import json

    with pytest.raises(ImportFileError, match="plus de 2 lignes ou objets"):
        parse_source(json.dumps(document).encode(), "a.geojson", MAX_BYTES, max_rows=2)


@pytest.mark.parametrize(("csv", "message"), [
    ("foo,bar\n1,2\n", "nom"),
    ("a,b,c\n12.23,48.34,mypoint\n", "nom"),  # uMap: CSV without lat/lon headers
    ("name,foo\nx,1\n", "Aucune colonne de coordonnées"),
    ("name,lat\nx,1\n", "latitude sans"),
])
def test_missing_columns_are_refused_clearly(themes, csv, message):
    with pytest.raises(ImportFileError, match=message):
        plan(csv)


def test_commit_writes_accepted_rows_with_revision_and_source(themes):
    report = commit("name,lat,lon\nAtelier,46.434,4.659\n,46.4,4.6\n", "ateliers.csv",
                    status="published", source_label="Recensement 2024")
    assert report.committed and report.written == 1
    initiative = db.session.scalar(sa.select(Initiative))
    assert (initiative.name, initiative.status, initiative.commune_name) == (
        "Atelier", "published", "Cluny")
    assert initiative.source == "Recensement 2024"
    assert initiative.external_id.startswith("import:recensement-2024:")
    revision = db.session.scalar(sa.select(Revision))
    assert revision.action == "create" and revision.reason == "Import : Recensement 2024"


def test_commit_is_pending_by_default(themes):
    commit("name,lat,lon\nAtelier,46.434,4.659\n")
    assert db.session.scalar(sa.select(Initiative.status)) == "pending"


def test_reimport_updates_and_never_duplicates(themes):
    first = "id,name,lat,lon\nA1,Atelier,46.434,4.659\nA2,Jardin,48.11,-1.68\n"
    commit(first)
    again = plan(first)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    changed = first.replace("Jardin", "Jardin partagé")
    report = commit(changed)
    assert [row.action for row in report.rows] == ["unchanged", "update"]
    assert count_initiatives() == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == 3
    assert "Jardin partagé" in db.session.scalars(sa.select(Initiative.name)).all()


def test_reimport_without_ids_recognises_the_same_rows(themes):
    data = "name,commune\nAtelier,Cluny\nJardin,Rennes\n"
    commit(data)
    assert {row.action for row in plan(data).rows} == {"unchanged"}


def test_possible_duplicates_are_reported_and_not_created(themes):
    make_initiative("Maison du vélo", website="https://velo.example.org/", kind="place",
                    status="published", private_email=None, themes=None)
    csv = ("name,commune,website\n"
           "Maison du velo,Cluny,\n"
           "Autre nom,Rennes,http://www.velo.example.org\n"
           "Atelier,Rennes,\n"
           "L'Atelier,Rennes,\n")
    report = commit(csv)
    actions = [row.action for row in report.rows]
    assert actions == ["duplicate", "duplicate", "create", "duplicate"]
    assert "initiative n° 1" in report.rows[0].reasons[0]
    assert "ligne 4" in report.rows[3].reasons[0]
    assert count_initiatives() == 2  # the existing one and "Atelier"
    commit(csv.replace("Atelier", "Atelier bis"), include_duplicates=True)
    assert count_initiatives() == 2 + 4


def test_large_files_find_the_same_duplicates(themes):
    """Past 50 rows, existing initiatives are gridded once: the grid finds what
    find_duplicates finds, in the north too."""
    make_initiative("Maison du vélo", kind="place", status="published", private_email=None,
                    themes=None)  # Cluny
    make_initiative("Refuge", insee="59183", lon=2.37, lat=51.03, kind="place",
                    status="published", private_email=None, themes=None)  # Dunkerque: narrower
    rows = [f"Lieu numéro {n},{44 + n / 20},{4.5}" for n in range(60)]  # 5.5 km apart
    csv = "name,lat,lon\n" + "\n".join(
        [*rows, "Maison du velo,46.434,4.659", "Le Refuge,51.03,2.382"]) + "\n"
    report = plan(csv)
    assert [row.action for row in report.rows[-2:]] == ["duplicate", "duplicate"]
    assert {row.action for row in report.rows[:-2]} == {"create"}


def test_same_id_twice_in_a_file_is_an_error(themes):
    report = plan("id,name,commune\n7,A,Cluny\n7,B,Rennes\n")
    assert report.rows[1].action == "error"
    assert "Même identifiant que ligne 2" in report.rows[1].reasons[0]


def test_commit_is_all_or_nothing(themes, monkeypatch):
    calls = []
    original = services.apply_values

    def fail_second(initiative, values, **options):
        calls.append(values["name"])
        if len(calls) == 2:
            raise InvalidInitiative({"name": "refusé"})
        return original(initiative, values, **options)

    monkeypatch.setattr(services, "apply_values", fail_second)
    with pytest.raises(InvalidInitiative):
        commit("name,commune\nA,Cluny\nB,Rennes\n")
    db.session.rollback()
    assert count_initiatives() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == 0


def test_import_command_dry_run_prints_every_row_and_writes_nothing(runner, themes, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("Titre,commune\nAtelier,Cluny\nNulle part,Atlantide\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--dry-run", "--map", "name=Titre"])
    assert result.exit_code == 0, result.output
    assert "ligne 2 · sera créée · Atelier" in result.output
    assert "ligne 3 · erreur · Nulle part — Commune inconnue : Atlantide." in result.output
    assert "rien n'a été écrit" in result.output
    assert "lieux.csv (csv) : 1 sera créée, 1 erreur." in result.output
    assert count_initiatives() == 0


def test_import_command_refuses_a_file_over_the_row_cap(app, runner, themes, tmp_path):
    app.config["IMPORT_MAX_ROWS"] = 2
    path = tmp_path / "lieux.csv"
    path.write_text("name,commune\n" + "Atelier,Cluny\n" * 3, encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--publish"])
    assert result.exit_code == 1
    assert "Ce fichier a plus de 2 lignes ou objets" in result.output
    assert count_initiatives() == 0


@pytest.mark.parametrize("cap", ["IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS"])
def test_import_command_refuses_a_geojson_just_over_a_cap(app, runner, themes, tmp_path, cap):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.659, 46.434]},
               "properties": {"name": "Atelier"}}
    path = tmp_path / "lieux.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * 3}))
    app.config[cap] = path.stat().st_size - 1 if cap == "IMPORT_MAX_BYTES" else 2
    result = runner.invoke(args=["import", str(path), "--publish"])
    assert result.exit_code == 1
    assert "Nothing imported: " + ("Fichier trop volumineux : plus de"
                                   if cap == "IMPORT_MAX_BYTES" else
                                   "Ce fichier a plus de 2 lignes ou objets") in result.output
    assert count_initiatives() == 0


def test_import_command_publishes_when_asked(runner, themes, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("name,commune\nAtelier,Cluny\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path), "--publish"])
    assert result.exit_code == 0, result.output
    assert "Écrit : 1 initiative." in result.output
    assert db.session.scalar(sa.select(Initiative.status)) == "published"


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"{oops", [], "JSON invalide"),
    (b"name,foo\nx,1\n", [], "Aucune colonne de coordonn"),
    (b"name,commune\nx,Cluny\n", ["--map", "name=Nope"], "no column 'Nope'"),
    (b"name,commune\nx,Cluny\n", ["--map", "colour=name"], "FIELD=COLUMN"),
])
def test_import_command_refuses_clearly(runner, themes, tmp_path, content, args, message):
    path = tmp_path / ("bad.json" if content.startswith(b"{") else "bad.csv")
    path.write_bytes(content)
    result = runner.invoke(args=["import", str(path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert count_initiatives() == 0
