"""The default theme taxonomy: the seven sessions of the Connecteur Recherche (2020)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Theme

# slug, French label, English label, colour (contrast ≥ 4.5:1 on white), icon
DEFAULT_THEMES = (
    ("crisis-management", "Gestion de crise", "Crisis management", "#B3261E", "siren"),
    (
        "territory-proximity",
        "Territoire, lieux, services et proximité",
        "Territory, places, services and proximity",
        "#1B6E3A",
        "map-pin",
    ),
    (
        "organisations-uncertainty",
        "Organisations publiques face à l'incertitude",
        "Public organisations facing uncertainty",
        "#5B3C88",
        "compass",
    ),
    (
        "inequality-inclusion",
        "Inégalités, inclusion et pouvoir d'agir",
        "Inequality, inclusion and empowerment",
        "#9A4A00",
        "hands",
    ),
    (
        "territorial-democracy",
        "Organisation territoriale et démocratie",
        "Territorial organisation and democracy",
        "#0B5CAD",
        "landmark",
    ),
    (
        "crisis-management-practice",
        "Le management en temps de crise",
        "Management in times of crisis",
        "#6B4E16",
        "users",
    ),
    (
        "learning-from-crisis",
        "Apprendre de la crise",
        "Learning from the crisis",
        "#00696E",
        "book",
    ),
)


def ensure_default_themes() -> int:
    """Add the default themes that are missing (admins may have edited the others)."""
    existing = set(db.session.scalars(sa.select(Theme.slug)))
    added = 0
    for position, (slug, label_fr, label_en, colour, icon) in enumerate(DEFAULT_THEMES):
        if slug in existing:
            continue
        db.session.add(
            Theme(
                slug=slug,
                label_fr=label_fr,
                label_en=label_en,
                colour=colour,
                icon=icon,
                position=position,
            )
        )
        added += 1
    db.session.flush()
    return added


def all_themes() -> list[Theme]:
    """Every theme, in the taxonomy's order."""
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.id)))
