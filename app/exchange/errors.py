"""The error of a file that cannot be imported at all (nothing is written), and the language
the import speaks."""

from contextlib import AbstractContextManager, nullcontext

from flask import has_request_context
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _


class ImportFileError(ValueError):
    """A whole file refused: too large, not UTF-8, invalid JSON, no usable column..."""


def report_language() -> AbstractContextManager:
    """The request's language, or French on the command line (which has no request)."""
    return nullcontext() if has_request_context() else force_locale("fr")


def too_many_rows(max_rows: int) -> ImportFileError:
    """The refusal of a file holding more rows than IMPORT_MAX_ROWS."""
    with report_language():
        return ImportFileError(_(
            "Ce fichier a plus de %(max)s lignes ou objets, le maximum d'un import : "
            "découpez-le et importez les parties.", max=format_decimal(max_rows)))


def too_large(max_bytes: int) -> ImportFileError:
    """The refusal of a file over IMPORT_MAX_BYTES."""
    with report_language():
        return ImportFileError(_(
            "Fichier trop volumineux : plus de %(max)s Mo, le maximum d'un import. Découpez-le "
            "et importez les parties.", max=format_decimal(round(max_bytes / 1e6, 1))))
