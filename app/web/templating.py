"""Everything the templates see beyond Flask's own: globals, filters and the layout's context,
with the request hooks of the language they are shown in. Registered by create_app."""

from flask import Flask
from flask_babel import get_locale, refresh
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import default_exceptions

from app.initiatives.dossiers import dossier_title
from app.initiatives.moderation import waiting_count
from app.notifications.sender import reply_address
from app.web.freshness import freshness_of
from app.web.i18n import language_links, remember_language
from app.web.labels import (
    ACTOR_TYPE_LABELS,
    KIND_ICONS,
    KIND_LABELS,
    LIFE_LABELS,
    role_label,
    scope_name,
    section_title,
    status_label,
    territory_label,
)
from app.web.maps import safe_colour
from app.web.permissions import is_admin, is_moderator, may_import
from app.web.place_details import PLACE_TERM_HEADINGS, phone_link
from app.web.scope_labels import territory_name_of, territory_options
from app.web.security import csp_nonce
from app.web.urls import absolute_url, actor_url, page_url, umap_link

# Werkzeug's stock (English) error texts, which the error page replaces by its own.
HTTP_DEFAULT_DESCRIPTIONS = {code: error.description for code, error in default_exceptions.items()}


def register_templating(app: Flask) -> None:
    """Give every template its globals, filters and context, in the request's language."""
    # The locale is a property of the request: forget the one cached on a reused app context
    # (tests and CLI code run several requests in one context).
    app.before_request(refresh)
    app.after_request(remember_language)
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(page_url, "initiative_url")
    app.add_template_global(actor_url, "actor_url")
    app.add_template_global(absolute_url, "absolute_url")
    app.add_template_global(umap_link, "open_in_umap_url")
    app.add_template_global(csp_nonce, "csp_nonce")
    app.add_template_global(status_label, "status_label")
    app.add_template_global(reply_address, "mail_reply_to")  # may people reply to our e-mails?
    app.add_template_global(role_label, "role_label")
    app.add_template_global(dossier_title, "dossier_title")
    app.add_template_global(lambda scope: territory_label(scope.level, scope.code), "scope_label")
    app.add_template_global(freshness_of, "freshness_of")
    app.add_template_global(scope_name, "scope_name")
    app.add_template_global(section_title, "section_title")
    app.add_template_global(territory_name_of, "territory_name_of")
    app.add_template_global(territory_options, "territory_options")
    app.add_template_filter(safe_colour, "safe_colour")
    app.add_template_global(phone_link, "phone_link")
    app.add_template_global(PLACE_TERM_HEADINGS, "place_term_headings")
    app.context_processor(layout_context)


def layout_context() -> dict:
    """What every page may need: the language switcher, the words and icons of codes, the
    header's moderation, import and administration links."""
    return {"language_links": language_links, "kind_labels": KIND_LABELS,
            "kind_icons": KIND_ICONS, "actor_type_labels": ACTOR_TYPE_LABELS,
            "http_default_descriptions": HTTP_DEFAULT_DESCRIPTIONS,
            "moderation_waiting": moderation_waiting, "may_import": may_import,
            "is_admin": is_admin, "is_moderator": is_moderator,
            "life_labels": LIFE_LABELS}


def moderation_waiting() -> int | None:
    """How many items wait for the signed-in moderator; None for everyone else.

    Templates call it only for signed-in people, and it asks the database only for moderators.
    """
    if not is_moderator(current_user):
        return None
    try:
        return waiting_count(current_user)
    except SQLAlchemyError:
        return 0  # the header must not break the error page of a failing database
