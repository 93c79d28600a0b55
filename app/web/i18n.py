"""The language switcher (links that set ?lang=, remembered in a cookie) and the rules'
messages in the page's language."""

from flask import Response, current_app, request
from flask_babel import get_locale, gettext

from app.text import Message
from app.web.urls import query_string

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
# Each language named in itself, as language switchers do.
AUTONYMS = {"fr": "Français", "en": "English"}


def remember_language(response: Response) -> Response:
    """Keep the language chosen with ?lang= for the next pages."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response


def language_links() -> list[dict[str, str]]:
    """The other languages, each with the current page's URL in that language."""
    current = str(get_locale())
    return [
        {"code": code, "name": AUTONYMS.get(code, code),
         "url": request.path + query_string(request.args, lang=code)}
        for code in current_app.config["LANGUAGES"] if code != current
    ]


def translate(message: str) -> str:
    """A rule's French message (app.text.Message) in the page's language; other text as is."""
    if not isinstance(message, Message):
        return message
    values = {name: translate(value) for name, value in message.values.items()}
    return gettext(message.template, **values)
