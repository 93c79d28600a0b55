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
# A data·inclusion thématique: "numerique", or "famille--garde-denfants" for a child value.
DATA_INCLUSION = re.compile(r"^[a-z0-9]+(-{1,2}[a-z0-9]+)*$")


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
    # A child's colour and icon are its parent's: it may leave them empty.
    child = bool(values.get("parent_id"))
    if not COLOUR.match(cleaned["colour"]) and not (child and not cleaned["colour"]):
        errors["colour"] = "Couleur au format #RRGGBB."
    if not ICON.match(cleaned["icon"]) and not (child and not cleaned["icon"]):
        errors["icon"] = "Nom d'icône : lettres minuscules, chiffres et tirets."
    cleaned["position"] = int(values.get("position") or 0)
    if abs(cleaned["position"]) > MAX_INTEGER:
        errors["position"] = "Nombre trop grand."
    cleaned["data_inclusion"] = str(values.get("data_inclusion") or "").strip() or None
    if cleaned["data_inclusion"] and (len(cleaned["data_inclusion"]) > 80
                                      or not DATA_INCLUSION.match(cleaned["data_inclusion"])):
        errors["data_inclusion"] = "Valeur data·inclusion : minuscules, chiffres et tirets."
    cleaned["parent"] = check_parent(values.get("parent_id"), theme, errors)
    if errors:
        raise InvalidTheme(errors)
    cleaned["colour"] = cleaned["colour"].upper()
    return cleaned


def check_parent(parent_id: Any, theme: Theme | None, errors: dict[str, str]) -> Theme | None:
    """The chosen parent, a top category (two levels only), or None for a top category."""
    if not parent_id:
        return None
    parent = db.session.get(Theme, int(parent_id)) if str(parent_id).isdigit() else None
    if parent is None or parent.parent_id is not None or (theme and parent.id == theme.id):
        errors["parent_id"] = "Choisissez une catégorie principale."
    elif theme and children_of(theme):
        errors["parent_id"] = "Cette catégorie a des sous-catégories : elle reste principale."
    return parent if "parent_id" not in errors else None


def children_of(theme: Theme) -> list[Theme]:
    """The children of a top category, by position."""
    if theme.id is None:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.parent_id == theme.id)
                                   .order_by(Theme.position, Theme.id)))


def save_theme(values: dict[str, Any], theme: Theme | None = None) -> Theme:
    """Create a theme, or change one; flush only."""
    cleaned = check_theme(values, theme)
    theme = theme or Theme()
    for key, value in cleaned.items():
        setattr(theme, key, value)
    # Children wear their top category's colour and icon, on the map as in the exports.
    for child in children_of(theme):
        child.colour, child.icon = theme.colour, theme.icon
    if theme.parent is not None:
        theme.colour, theme.icon = theme.parent.colour, theme.parent.icon
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
    if children_of(theme):
        raise InvalidTheme({"slug": "Cette catégorie a des sous-catégories : déplacez-les "
                                    "d'abord."})
    db.session.delete(theme)
    db.session.flush()
