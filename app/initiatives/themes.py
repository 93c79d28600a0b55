"""Admin changes to the theme taxonomy; flush only."""

import re
from typing import Any

import sqlalchemy as sa

from app.database import MAX_INTEGER
from app.extensions import db
from app.models import Theme
from app.models.initiative import initiative_themes

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
ICON = re.compile(r"^[a-z0-9-]{1,40}$")
# They separate the themes of an imported cell, so a label may not hold them.
IMPORT_SEPARATORS = re.compile(r"[;|\n\r]")


class InvalidTheme(ValueError):
    """Theme values that cannot be stored, with a French message per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def check_theme(values: dict[str, Any], theme: Theme | None) -> dict[str, Any]:
    """Return the cleaned values of a theme; raise InvalidTheme."""
    cleaned = {key: str(values.get(key) or "").strip() for key in
               ("slug", "label_fr", "label_en", "colour", "icon")}
    errors = {}
    if not SLUG.match(cleaned["slug"]) or len(cleaned["slug"]) > 60:
        errors["slug"] = "Lettres minuscules, chiffres et tirets (60 au plus)."
    elif db.session.scalar(sa.select(Theme.id).where(
            Theme.slug == cleaned["slug"], Theme.id != (theme.id if theme else -1))):
        errors["slug"] = "Ce slug est déjà pris."
    for key in ("label_fr", "label_en"):
        if not 0 < len(cleaned[key]) <= 120:
            errors[key] = "Entre 1 et 120 caractères."
        elif IMPORT_SEPARATORS.search(cleaned[key]):
            errors[key] = "Ni point-virgule ni barre verticale : ils séparent les thèmes."
    if not COLOUR.match(cleaned["colour"]):
        errors["colour"] = "Couleur au format #RRGGBB."
    if not ICON.match(cleaned["icon"]):
        errors["icon"] = "Nom d'icône : lettres minuscules, chiffres et tirets."
    cleaned["position"] = int(values.get("position") or 0)
    if abs(cleaned["position"]) > MAX_INTEGER:
        errors["position"] = "Nombre trop grand."
    if errors:
        raise InvalidTheme(errors)
    cleaned["colour"] = cleaned["colour"].upper()
    return cleaned


def save_theme(values: dict[str, Any], theme: Theme | None = None) -> Theme:
    """Create a theme, or change one; flush only."""
    cleaned = check_theme(values, theme)
    theme = theme or Theme()
    for key, value in cleaned.items():
        setattr(theme, key, value)
    db.session.add(theme)
    db.session.flush()
    return theme


def theme_usage(theme: Theme) -> int:
    """How many initiatives carry the theme."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(initiative_themes).where(
        initiative_themes.c.theme_id == theme.id))


def delete_theme(theme: Theme) -> None:
    """Delete a theme no initiative uses; flush only."""
    if theme_usage(theme):
        raise InvalidTheme({"slug": "Ce thème est utilisé : modifiez-le plutôt."})
    db.session.delete(theme)
    db.session.flush()
