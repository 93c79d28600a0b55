"""The seed corpus v2 (geodata/seed_corpus.geojson, seed_dossiers.json): every fact is quoted.

These tests read the files alone, without the app or its database: each quote must appear
verbatim in the source texts (../shared/seeds/*.txt, skipped with a message when that folder is
absent), each entry must lie where its scope says, and it may use only existing categories and
dossiers.
"""

import json
import re
import sqlite3
from pathlib import Path

import pytest
import shapely

from app.geo.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
SEEDS = ROOT.parent / "shared" / "seeds"
GAZETTEER_PATH = GEODATA / "build" / "gazetteer.sqlite"
THEMATIQUES = (ROOT.parent / "shared" / "peers" / "standards" / "data-inclusion" / "extra"
               / "thematiques.json")

PROPERTIES = [
    "seed_id", "name", "summary", "description", "kind", "categories", "scope", "insee",
    "territory", "location_precision", "actor_name", "actor_type", "partners", "website",
    "started_on", "ended_on", "research_partnership", "dossiers", "sources",
]
SOURCE_FIELDS = ["title", "url", "published_on", "quote", "locator"]
KINDS = {"initiative", "field_site", "place", "resource", "organisation"}
SCOPES = {"local", "intercommunal", "departemental", "regional", "national"}
PRECISIONS = {"address", "commune"}
ACTOR_TYPES = {
    "commune", "intercommunality", "departement", "region", "state_service", "association",
    "citizen_collective", "company", "research", "public_establishment",
}
# Établissements publics territoriaux of the Grand Paris: intercommunal bodies the gazetteer
# does not list (its communes' EPCI is the Métropole du Grand Paris). Add one only with its SIREN.
TERRITORIES_OUTSIDE_GAZETTEER = {"200058014": "EPT Grand-Orly Seine Bièvre"}
# The document each source title names, by the title's first words.
DOCUMENTS = {
    "Inventer des formes d'action publique": "000_bd2dc5362f268a4f.txt",
    "Connecteur Recherche": "004_ab8a11c7c78431db.txt",
}
SESSION_DATES = {"Séance du 20 mai 2020": "2020-05-20", "Séance du 3 juillet 2020": "2020-07-03"}
DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
SUMMARY_MAX = 200
# A run of this many words shared with the source texts counts as a copied sentence.
COPIED_WORDS = 10
TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def normalise(text: str) -> str:
    """Collapse every run of whitespace and fold typographic quotes and apostrophes.

    Guillemets become straight quotes without the spaces French typography puts inside them.
    """
    folded = re.sub(r"\s+", " ", text).translate(TYPOGRAPHIC)
    return re.sub(r' ?" ?', '"', folded)


def load(name: str):
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


CORPUS = load("seed_corpus.geojson")
FEATURES = CORPUS["features"]
ENTRIES = [feature["properties"] for feature in FEATURES]
DOSSIERS = load("seed_dossiers.json")
CATEGORIES = load("categories.json")["categories"]
CHILD_SLUGS = {child["slug"] for top in CATEGORIES for child in top["children"]}
DOSSIER_SLUGS = [dossier["slug"] for dossier in DOSSIERS]
ALL_SOURCES = [(e["seed_id"], s) for e in ENTRIES for s in e["sources"]] + [
    (d["slug"], s) for d in DOSSIERS for s in d["sources"]]


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"the source texts are not here ({SEEDS}): quotes cannot be checked")
    return {path.name: normalise(path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt")}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    if not GAZETTEER_PATH.is_file():
        pytest.fail(f"{GAZETTEER_PATH} is missing: build it first with `make geodata` "
                    "or `.venv/bin/python geodata/build_gazetteer.py`.")
    return Gazetteer(GAZETTEER_PATH)


def document_of(source: dict) -> str:
    found = [name for start, name in DOCUMENTS.items() if source["title"].startswith(start)]
    assert len(found) == 1, f"unknown source title: {source['title']!r}"
    return found[0]


def check_all(items, check) -> None:
    """Run check(item) on every item; fail once with every problem found, named."""
    problems = [f"{name}: {problem}" for name, item in items for problem in check(item)]
    assert not problems, "\n".join(problems)


def test_every_quote_is_verbatim_in_the_document_its_title_names(seed_texts):
    def check(source):
        quote = normalise(source["quote"]).strip()
        if list(source) != SOURCE_FIELDS:
            yield f"source fields are {list(source)}"
        if len(quote) < 20:
            yield f"a quote this short supports nothing: {quote!r}"
        if quote not in seed_texts[document_of(source)]:
            yield f"not in {document_of(source)}: {quote!r}"

    check_all(ALL_SOURCES, check)


def test_summaries_descriptions_and_introductions_are_in_our_own_words(seed_texts):
    """The seeds README forbids copying sentences into entries: quotes live in sources only."""
    copied = {n_gram for text in seed_texts.values() for n_gram in word_runs(text)}
    texts = [(e["seed_id"], e["summary"] + " / " + e["description"]) for e in ENTRIES]
    texts += [(d["slug"], d["introduction"]) for d in DOSSIERS]

    def check(text):
        runs = [" ".join(run) for run in word_runs(text) if run in copied]
        if runs:
            yield f"{COPIED_WORDS} or more words in a row are copied from the texts: {runs[0]!r}"

    check_all(texts, check)


def word_runs(text: str) -> set[tuple[str, ...]]:
    """Every run of COPIED_WORDS consecutive words, lowercased, punctuation dropped."""
    words = re.findall(r"[\w'-]+", normalise(text).lower())
    return {tuple(words[i:i + COPIED_WORDS]) for i in range(len(words) - COPIED_WORDS + 1)}


def test_every_source_is_located_and_dated_as_its_session():
    def check(source):
        locator = source["locator"]
        days = [day for prefix, day in SESSION_DATES.items() if locator.startswith(prefix)]
        if source["url"] is not None or not locator.strip():
            yield "no URL is known for the seed texts, and every source needs a locator"
        if source["published_on"] != (days[0] if days else None):
            yield f"published_on {source['published_on']!r} for {locator!r}"

    check_all(ALL_SOURCES, check)


def test_the_corpus_is_a_feature_collection_of_about_eighty_unique_entries():
    assert CORPUS["type"] == "FeatureCollection" and set(CORPUS) == {"type", "features"}
    assert 75 <= len(FEATURES) <= 100
    seed_ids = [e["seed_id"] for e in ENTRIES]
    assert len(seed_ids) == len(set(seed_ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", seed_id) for seed_id in seed_ids)


def named(entries):
    return [(entry["seed_id"], entry) for entry in entries]


def test_every_entry_has_the_spec_fields_and_values():
    def check(entry):
        if list(entry) != PROPERTIES:
            yield f"properties are {list(entry)}"
        if not (entry["name"].strip() and entry["summary"].strip()):
            yield "a name and a summary are required"
        if len(entry["summary"]) > SUMMARY_MAX or not isinstance(entry["description"], str):
            yield f"summary over {SUMMARY_MAX} characters or description not a string"
        if entry["kind"] not in KINDS or entry["scope"] not in SCOPES:
            yield f"kind {entry['kind']!r}, scope {entry['scope']!r}"
        if entry["actor_type"] and not (entry["actor_name"] and entry["actor_type"] in ACTOR_TYPES):
            yield f"actor {entry['actor_name']!r} of type {entry['actor_type']!r}"
        if not all(list(p) == ["name", "role"] and p["name"] and p["role"]
                   for p in entry["partners"]):
            yield f"partners {entry['partners']!r}"
        if not isinstance(entry["research_partnership"], bool) or not entry["sources"]:
            yield "research_partnership must be a boolean, and at least one source is required"

    check_all(named(ENTRIES), check)


def test_categories_are_at_most_three_distinct_children_of_the_tree():
    def check(entry):
        categories = entry["categories"]
        if len(categories) > 3 or len(set(categories)) < len(categories):
            yield f"categories {categories}"
        if not set(categories) <= CHILD_SLUGS:
            yield f"not child categories of the tree: {set(categories) - CHILD_SLUGS}"

    check_all(named(ENTRIES), check)


def test_dates_are_well_formed_and_in_order():
    def check(entry):
        started, ended = entry["started_on"], entry["ended_on"]
        for value in (started, ended):
            if value is not None and not DATE.fullmatch(value):
                yield f"malformed date {value!r}"
        if started and ended and started > ended:
            yield f"ends ({ended}) before it starts ({started})"

    check_all(named(ENTRIES), check)


def test_a_website_is_an_address_the_quotes_give():
    def check(entry):
        website = entry["website"]
        if website is None:
            return
        quoted = "".join(re.sub(r"\s+", "", s["quote"]) for s in entry["sources"])
        printed = [found for s in entry["sources"]
                   for found in re.findall(r"adresse imprimée « (\S+) »", s["locator"])]
        if not re.fullmatch(r"https?://\S+", website):
            yield f"not a web address: {website!r}"
        if website not in quoted and not any(p in quoted for p in printed):
            yield f"no quote gives {website!r} (nor a printed form named in a locator)"

    check_all(named(ENTRIES), check)


def test_dossiers_are_exactly_the_sessions_the_sources_quote():
    def check(entry):
        quoted = sessions_quoted(entry["sources"])
        if entry["dossiers"] != quoted:
            yield f"dossiers {entry['dossiers']} but the sources quote {quoted}"

    check_all(named(ENTRIES), check)


def sessions_quoted(sources) -> list[str]:
    """The dossiers whose session (by locator) the sources quote, in dossier order."""
    titles = {d["slug"]: d["title"] for d in DOSSIERS}
    found = set()
    for source in sources:
        locator = source["locator"]
        if locator.startswith("Table ronde"):
            found.add("table-ronde-2020")
        for slug, title in titles.items():
            if slug.startswith("connecteur-recherche") and f"« {title} »" in locator:
                found.add(slug)
    return [slug for slug in DOSSIER_SLUGS if slug in found]


def test_local_entries_lie_at_their_commune_point_and_others_have_none(gazetteer):
    def check(feature):
        entry, geometry = feature["properties"], feature["geometry"]
        if entry["scope"] != "local":
            yield from check_non_local(gazetteer, entry, geometry)
            return
        if entry["territory"] is not None or entry["location_precision"] not in PRECISIONS:
            yield "a local entry has an INSEE code and a precision, no territory"
        lon, lat = geometry["coordinates"]
        commune = gazetteer.locate(lon, lat)
        if commune is None or commune.insee != entry["insee"]:
            yield f"({lon}, {lat}) is not in {entry['insee']}"
        elif entry["location_precision"] == "commune" and (lon, lat) != (commune.lon, commune.lat):
            yield "a commune-precision point is the commune's reference point"

    check_all([(f["properties"]["seed_id"], f) for f in FEATURES], check)


def check_non_local(gazetteer: Gazetteer, entry: dict, geometry):
    if geometry is not None:
        yield "a non-local entry gets no invented pin"
    if entry["insee"] is not None or entry["location_precision"] is not None:
        yield "a non-local entry has neither INSEE code nor location precision"
    if not territory_exists(gazetteer, entry["scope"], entry["territory"]):
        yield f"no {entry['scope']} territory {entry['territory']!r}"


def territory_exists(gazetteer: Gazetteer, scope: str, code: str) -> bool:
    if scope == "national":
        return code == "FR"
    if scope == "regional":
        return gazetteer.region(code) is not None
    if scope == "departemental":
        return gazetteer.departement(code) is not None
    with sqlite3.connect(f"{GAZETTEER_PATH.as_uri()}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT 1 FROM epcis WHERE code = ?", (code,)).fetchone()
    return row is not None or code in TERRITORIES_OUTSIDE_GAZETTEER


def test_local_points_are_valid_rfc7946_positions():
    for feature in FEATURES:
        if feature["geometry"]:
            point = shapely.geometry.shape(feature["geometry"])
            assert -180 <= point.x <= 180 and -90 <= point.y <= 90


def test_the_dossiers_are_the_round_table_and_the_seven_sessions_in_order():
    sessions = [f"connecteur-recherche-{n}" for n in range(1, 8)]
    assert DOSSIER_SLUGS == ["table-ronde-2020", *sessions]
    assert [d["position"] for d in DOSSIERS] == list(range(1, 9))
    for dossier in DOSSIERS:
        assert list(dossier) == ["slug", "title", "introduction", "sources", "position"]
        assert dossier["title"].strip() and dossier["introduction"].strip()
        assert dossier["sources"], f"{dossier['slug']} introduces itself with quoted sources"
        assert sessions_quoted(dossier["sources"]) == [dossier["slug"]]


def test_every_dossier_holds_entries():
    for slug in DOSSIER_SLUGS:
        assert any(slug in e["dossiers"] for e in ENTRIES), slug


def test_the_category_tree_has_unique_slugs_and_labels_in_both_languages():
    slugs = [c["slug"] for c in CATEGORIES] + [k["slug"] for c in CATEGORIES for k in c["children"]]
    assert len(slugs) == len(set(slugs))
    assert 8 <= len(CATEGORIES) <= 12
    for top in CATEGORIES:
        assert 2 <= len(top["children"]) <= 6
        for node in (top, *top["children"]):
            assert list(node)[:4] == ["slug", "label_fr", "label_en", "data_inclusion"]
            assert node["label_fr"].strip() and node["label_en"].strip()


def test_data_inclusion_alignments_name_existing_thematiques():
    if not THEMATIQUES.is_file():
        pytest.skip(f"the data·inclusion thématiques are not here ({THEMATIQUES})")
    values = {t["value"] for t in json.loads(THEMATIQUES.read_text(encoding="utf-8"))}
    known = values | {value.split("--")[0] for value in values}
    nodes = [n for c in CATEGORIES for n in (c, *c["children"]) if n["data_inclusion"]]
    assert nodes and all(n["data_inclusion"] in known for n in nodes)
