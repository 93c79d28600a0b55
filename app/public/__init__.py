"""What a citizen sees: the map, the list, initiative and territory pages, the embed."""

from flask import Blueprint
from flask_babel import get_locale, refresh
from werkzeug.exceptions import default_exceptions

bp = Blueprint("public", __name__)

from app.public import assets, routes, territories  # noqa: E402, F401
from app.public.i18n import language_links, remember_language  # noqa: E402
from app.public.initiative_page import page_url  # noqa: E402
from app.public.labels import ACTOR_TYPE_LABELS, KIND_ICONS, KIND_LABELS  # noqa: E402
from app.public.mapping import safe_colour  # noqa: E402

# Werkzeug's stock (English) error texts, which the error page replaces by its own.
HTTP_DEFAULT_DESCRIPTIONS = {code: error.description for code, error in default_exceptions.items()}

# The locale is a property of the request: forget the one cached on a reused app context
# (tests and CLI code run several requests in one context).
bp.before_app_request(refresh)
bp.after_app_request(remember_language)
bp.add_app_template_global(get_locale, "get_locale")
bp.add_app_template_global(page_url, "initiative_url")
bp.add_app_template_filter(safe_colour, "safe_colour")


@bp.app_context_processor
def layout_context() -> dict:
    """What every page may need: the language switcher, the words and icons of codes."""
    return {"language_links": language_links, "kind_labels": KIND_LABELS,
            "kind_icons": KIND_ICONS, "actor_type_labels": ACTOR_TYPE_LABELS,
            "http_default_descriptions": HTTP_DEFAULT_DESCRIPTIONS}
