"""Initiative data is checked the same way whatever channel it comes from."""

import math

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import InvalidInitiative, clean
from app.initiatives.services import create_initiative
from app.models import Initiative, Revision

VALID = {"name": "Épicerie solidaire", "kind": "place", "insee": "33039"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 201, "200 caractères au plus"),
        ("kind", "spaceship", "Valeur inconnue"),
        ("actor_type", "guild", "Valeur inconnue"),
        ("website", "javascript:alert(1)", "http:// ou https://"),
        ("website", "ftp://example.fr", "http:// ou https://"),
        ("lon", "nan", "hors limites"),
        ("lat", math.inf, "hors limites"),
        ("lat", "95", "hors limites"),
        ("lon", "east", "Nombre attendu"),
        ("started_on", "2020-13-45", "AAAA-MM-JJ"),
        ("insee", "123", "Code INSEE invalide"),
        ("private_email", "a@b.fr\r\nBcc: x@y.fr", "e-mail invalide"),
        ("private_email", "a@x.fr,v1@x.fr,v2@x.fr", "e-mail invalide"),
        ("private_email", "a@x.fr;v1@x.fr", "e-mail invalide"),
        ("private_email", "Moi <a@x.fr>", "e-mail invalide"),
        ("name", "nul\x00", "Caractère nul"),
    ],
)
def test_bad_field_values_get_a_message_on_their_field(field, value, message):
    with pytest.raises(InvalidInitiative) as error:
        clean({**VALID, field: value})
    assert message in error.value.errors[field]


def test_missing_name_kind_and_place_are_reported_together():
    with pytest.raises(InvalidInitiative) as error:
        clean({"summary": "Sans nom"})
    assert set(error.value.errors) == {"name", "kind", "location"}


def test_decimal_comma_coordinates_are_accepted():
    assert clean({**VALID, "lon": "-0,5612345678", "lat": "44,8"})["lon"] == -0.561235


def test_unknown_commune_writes_nothing(app, themes):
    with pytest.raises(InvalidInitiative, match="Commune inconnue"):
        with write_transaction():
            create_initiative({**VALID, "insee": "99999"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == 0


def test_point_gives_the_territory_by_reverse_geocoding(app, themes):
    with write_transaction():
        initiative = create_initiative(
            {"name": "Près de la mairie", "kind": "initiative", "lon": 4.6588, "lat": 46.4340}
        )
    assert (initiative.insee, initiative.departement, initiative.region) == ("71137", "71", "27")
    assert initiative.status == "pending"


def test_commune_alone_gives_its_reference_point(app, themes):
    with write_transaction():
        initiative = create_initiative(VALID)
    assert initiative.commune_name == "Bègles"
    assert -0.6 < initiative.lon < -0.5 and 44.7 < initiative.lat < 44.85


def test_unknown_theme_is_refused(app, themes):
    with pytest.raises(InvalidInitiative, match="Thème inconnu"):
        with write_transaction():
            create_initiative({**VALID, "themes": ["astrology"]})


def test_changing_only_themes_bumps_version_and_updated_at(app, themes):
    from app.initiatives.services import update_initiative

    with write_transaction():
        initiative = create_initiative({**VALID, "themes": ["gestion-de-crise"]})
    version, updated_at = initiative.version, initiative.updated_at
    with write_transaction():
        update_initiative(initiative, {"themes": ["retours-experience"]}, author=None)
    assert initiative.version == version + 1
    assert initiative.updated_at > updated_at
