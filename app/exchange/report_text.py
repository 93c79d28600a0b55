"""The import report as plain text, for the command line."""

from app.exchange.imports import ImportReport

ACTION_LABELS = {"create": "sera créée", "update": "mettra à jour", "unchanged": "inchangée",
                 "duplicate": "doublon possible", "error": "erreur"}
DONE_LABELS = {"create": "créée", "update": "mise à jour", "duplicate": "créée (doublon)"}


def report_lines(report: ImportReport) -> list[str]:
    """One line per row, then the totals."""
    lines = []
    for row in report.rows:
        action = ACTION_LABELS[row.action]
        if report.committed and row.written_id is not None:
            action = f"{DONE_LABELS[row.action]} (n° {row.written_id})"
        detail = f" — {' '.join(row.reasons)}" if row.reasons else ""
        lines.append(f"{row.label} · {action} · {row.name or '(sans nom)'}{detail}")
    totals = ", ".join(f"{count} {ACTION_LABELS[action]}"
                       for action, count in report.counts.items())
    lines.append(f"{report.filename} ({report.format}) : {totals}.")
    if report.committed:
        lines.append(f"Écrit : {report.written} initiative(s).")
    else:
        lines.append("Essai à blanc : rien n'a été écrit.")
    return lines
