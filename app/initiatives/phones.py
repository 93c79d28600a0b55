"""French phone numbers: read in any usual writing, kept in E.164, shown the French way.

python-stdnum has no phone numbers, and a general library would accept numbers the
standards refuse: this reads metropolitan and overseas French numbers only, strictly.
"""

import re

from app.text import N_

# Overseas départements dial nationally as 0 + their own prefix; internationally as
# +590 590…, +262 692… (the national digits after the 0 follow the country code).
OVERSEAS_CODES = {
    "590": "590", "690": "590", "691": "590",
    "594": "594", "694": "594",
    "262": "262", "263": "262", "692": "262", "693": "262", "269": "262", "639": "262",
    "596": "596", "696": "596", "697": "596",
}
# Country codes whose numbers are given with it only, and how many digits follow it.
COUNTRY_DIGITS = {"33": 9, "590": 9, "594": 9, "262": 9, "596": 9, "508": 6, "681": 6,
                  "687": 6, "689": 8}
SEPARATORS = re.compile(r"[\s.\-/()]")
TRUNK_ZERO = re.compile(r"^\+(33|590|594|262|596)0")  # "+33 (0)1 …": the 0 is not dialled


def normalise_phone(text: str) -> str:
    """The number in E.164 (+33123456789); raise ValueError with a French message."""
    compact = SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    compact = TRUNK_ZERO.sub(r"+\1", compact)
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        national = compact[1:]
        return "+" + OVERSEAS_CODES.get(national[:3], "33") + national
    for code, digits in COUNTRY_DIGITS.items():
        if re.fullmatch(rf"\+{code}[1-9]\d{{{digits - 1}}}", compact):
            return compact
    raise ValueError(N_("Numéro de téléphone français invalide : 10 chiffres (01 23 45 67 89) "
                        "ou au format international (+33 1 23 45 67 89)."))


def display_phone(e164: str | None) -> str:
    """The number as French people write it: 01 23 45 67 89, 0590 12 34 56, +687 12 34 56."""
    if not e164:
        return ""
    for code in ("33", "590", "594", "262", "596"):
        if e164.startswith("+" + code) and len(e164) == 1 + len(code) + 9:
            national = "0" + e164[1 + len(code):]
            return " ".join(national[i:i + 2] for i in range(0, 10, 2))
    digits = e164[4:]
    return e164[:4] + " " + " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))
