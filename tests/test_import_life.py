"""The life status read from a file: our exports' codes, French and English labels."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative
from tests.test_import import commit, plan

ROWS = ("name,lat,lon,vie,note de vie\n"
        "Atelier,46.434,4.659,Pérennisée,La commune l'a reprise.\n"
        "Garage,46.435,4.660,Made permanent,\n"
        "Jardin,46.436,4.661,terminee,\n"
        "Épicerie,46.437,4.662,ENDED,\n"
        "Fablab,46.438,4.663,,\n")


def test_life_status_labels_in_either_language_are_read(app, themes):
    report = commit(ROWS, status="published")
    assert report.counts["create"] == 5, [row.reasons for row in report.rows]
    stored = dict(db.session.execute(sa.select(Initiative.name, Initiative.life_status)).all())
    assert stored == {"Atelier": "permanent", "Garage": "permanent", "Jardin": "ended",
                      "Épicerie": "ended", "Fablab": "active"}
    note = db.session.scalar(sa.select(Initiative.life_note).where(Initiative.name == "Atelier"))
    assert note == "La commune l'a reprise."


def test_an_unknown_life_status_is_a_clear_row_problem(app, themes):
    report = plan("name,lat,lon,life_status\nAtelier,46.434,4.659,forever\n")
    row = report.rows[0]
    assert row.action == "error"
    assert any("Vie de l'initiative inconnue : « forever »" in reason and "terminée" in reason
               for reason in row.reasons), row.reasons
