"""The official identifiers of an actor: SIREN, SIRET (checksums verified) and RNA."""

import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren, siret

from app.text import N_

# W, the prefecture's code (its first character a digit, Corsica's 2A/2B), six digits.
RNA = re.compile(r"^W[0-9][0-9AB][0-9]{7}$")
SEPARATORS = re.compile(r"[\s.\-]+")


def clean_identifier(value: object) -> dict[str, str]:
    """The identifiers a SIRET, SIREN or RNA number gives ({} for none); raise ValueError.

    A SIRET gives its SIREN too (its first nine digits).
    """
    text = SEPARATORS.sub("", "" if value is None else str(value)).upper()
    if not text:
        return {}
    if text.startswith("W"):
        if not RNA.match(text):
            raise ValueError(N_("Ce numéro RNA n'est pas valide : W suivi de 9 chiffres "
                                "(par exemple W751234567)."))
        return {"rna": text}
    if text.isdigit() and len(text) == 14:
        check(siret, text, N_("Ce numéro SIRET n'est pas valide (clé de contrôle)."))
        return {"siret": text, "siren": text[:9]}
    if text.isdigit() and len(text) == 9:
        check(siren, text, N_("Ce numéro SIREN n'est pas valide (clé de contrôle)."))
        return {"siren": text}
    raise ValueError(N_("Identifiant non reconnu : un SIRET (14 chiffres), un SIREN "
                        "(9 chiffres) ou un numéro RNA (W suivi de 9 chiffres)."))


def check(module, number: str, checksum_message: str) -> None:
    """Raise ValueError with the message when python-stdnum refuses the number."""
    try:
        module.validate(number)
    except InvalidChecksum:
        raise ValueError(checksum_message) from None
    except ValidationError:
        raise ValueError(checksum_message) from None


def identifier_text(siren: str | None = None, siret: str | None = None,
                    rna: str | None = None) -> str:
    """The one identifier a form shows for an actor: its SIRET, else SIREN, else RNA."""
    return siret or siren or rna or ""
