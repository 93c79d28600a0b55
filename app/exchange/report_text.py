"""The import report in words: the totals with their plurals, and the plain text of the
command line."""

from collections.abc import Iterator

from flask_babel import ngettext

from app.exchange.errors import report_language
from app.exchange.imports import ImportReport
from app.exchange.report_rows import RowReport

ACTION_LABELS = {"create": "sera créée", "update": "mettra à jour", "unchanged": "inchangée",
                 "duplicate": "doublon possible", "error": "erreur"}
DONE_LABELS = {"create": "créée", "update": "mise à jour", "duplicate": "créée (doublon)"}


def action_total(action: str, count: int) -> str:
    """"2 seront créées", "1 erreur": how many rows take an action, in agreement."""
    if action == "create":
        return ngettext("%(num)d sera créée", "%(num)d seront créées", count)
    if action == "update":
        return ngettext("%(num)d mettra à jour", "%(num)d mettront à jour", count)
    if action == "unchanged":
        return ngettext("%(num)d inchangée", "%(num)d inchangées", count)
    if action == "duplicate":
        return ngettext("%(num)d doublon possible", "%(num)d doublons possibles", count)
    return ngettext("%(num)d erreur", "%(num)d erreurs", count)


def totals(report: ImportReport) -> list[tuple[str, str]]:
    """(action, its total in words) for each action some rows take, in the report's order."""
    return [(action, action_total(action, count))
            for action, count in report.counts.items() if count]


def report_lines(report: ImportReport) -> Iterator[str]:
    """One line per row, then the totals, as they are read from the report (in French: the
    command line has no language)."""
    with report_language():
        for row in report.rows:
            yield row_line(row, report.committed)
        yield from closing_lines(report)


def row_line(row: RowReport, committed: bool) -> str:
    action = ACTION_LABELS[row.action]
    if committed and row.written_id is not None:
        action = f"{DONE_LABELS[row.action]} (n° {row.written_id})"
    detail = f" — {' '.join(row.reasons)}" if row.reasons else ""
    return f"{row.label} · {action} · {row.name or '(sans nom)'}{detail}"


def closing_lines(report: ImportReport) -> list[str]:
    said = ", ".join(total for _, total in totals(report)) or "aucune ligne"
    done = (ngettext("Écrit : %(num)d initiative.", "Écrit : %(num)d initiatives.",
                     report.written) if report.committed
            else "Essai à blanc : rien n'a été écrit.")
    return [f"{report.filename} ({report.format}) : {said}.", done]
