"""Partners as people write them: "Name (role)", or "Name" alone, one per line or item."""

from collections.abc import Iterable, Mapping
from typing import Any


def split_role(item: str) -> tuple[str, str]:
    """"Le 93 (Seine-Saint-Denis) (collaboration)" → the name, and the role: its last
    bracketed group."""
    if not item.endswith(")"):
        return item, ""
    depth = 0
    for index in range(len(item) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(item[index], 0)
        if depth == 0:
            return item[:index].strip(), item[index + 1:-1].strip()
    return item, ""


def partner_label(partner: Mapping[str, Any]) -> str:
    """"Name (role)", or the name alone when the role is blank."""
    return f"{partner['name']} ({partner['role']})" if partner.get("role") else partner["name"]


def partner_lines(partners: Iterable[Mapping[str, Any]]) -> str:
    """The partners as a form's text: one "Name (role)" per line."""
    return "\n".join(partner_label(partner) for partner in partners)


def parse_partner_lines(text: str) -> list[dict[str, str]]:
    """The partners of a form's text, one per non-blank line: [{name, role}]."""
    return [dict(zip(("name", "role"), split_role(line.strip()), strict=True))
            for line in (text or "").splitlines() if line.strip()]
