"""The codes of a place's services, publics, fees, access and support modes, and their
words in the two national standards.

Each code has its French label (the catalogue's msgid), its value in the lieux de médiation
numérique schema v1.0.2 (`mn`, the exact label the CSV carries) and its value in data·inclusion
v1 (`di`), where the standards have one. Both standards are under the Licence Ouverte 2.0
(geodata/standards/README.md). Imports accept any of the three words for a code.
"""

from dataclasses import dataclass

from app.text import N_, fold


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    mn: str | None = None
    di: str | None = None


# Services: the médiation numérique list, each with the closest data·inclusion thématique.
SERVICES = (
    Term("demarches-en-ligne", N_("Aide aux démarches administratives"),
         "Aide aux démarches administratives", "numerique--acceder-a-des-services-en-ligne"),
    Term("outils-du-quotidien", N_("Maîtrise des outils numériques du quotidien"),
         "Maîtrise des outils numériques du quotidien",
         "numerique--maitriser-les-fondamentaux-du-numerique"),
    Term("comprendre-le-numerique", N_("Compréhension du monde numérique"),
         "Compréhension du monde numérique", "numerique"),
    Term("insertion-professionnelle", N_("Insertion professionnelle via le numérique"),
         "Insertion professionnelle via le numérique", "numerique"),
    Term("usage-securise", N_("Utilisation sécurisée du numérique"),
         "Utilisation sécurisée du numérique", "numerique"),
    Term("parentalite", N_("Parentalité et éducation avec le numérique"),
         "Parentalité et éducation avec le numérique", "numerique"),
    Term("loisirs-creations", N_("Loisirs et créations numériques"),
         "Loisirs et créations numériques", "numerique"),
    Term("acces-internet-materiel", N_("Accès internet et matériel informatique"),
         "Accès internet et matériel informatique",
         "numerique--acceder-a-une-connexion-internet"),
    Term("materiel-prix-solidaire", N_("Acquisition de matériel informatique à prix solidaire"),
         "Acquisition de matériel informatique à prix solidaire",
         "numerique--acquerir-un-equipement"),
)
# Publics: data·inclusion's list; the médiation numérique schema names five of them.
PUBLICS = (
    Term("tous-publics", N_("Tous publics"), None, "tous-publics"),
    Term("jeunes", N_("Jeunes"), "Jeunes", "jeunes"),
    Term("etudiants", N_("Étudiants"), "Étudiants", "etudiants"),
    Term("familles", N_("Familles et enfants"), "Familles et/ou enfants", "familles"),
    Term("seniors", N_("Seniors"), "Seniors", "seniors"),
    Term("femmes", N_("Femmes"), "Femmes", "femmes"),
    Term("actifs", N_("Actifs"), None, "actifs"),
    Term("demandeurs-emploi", N_("Demandeurs d'emploi"), None, "demandeurs-emploi"),
    Term("minimas-sociaux", N_("Bénéficiaires des minimas sociaux"), None,
         "beneficiaires-des-minimas-sociaux"),
    Term("handicap", N_("Personnes en situation de handicap"), None,
         "personnes-en-situation-de-handicap"),
    Term("urgence", N_("Personnes en situation d'urgence"), None,
         "personnes-en-situation-durgence"),
    Term("situation-juridique", N_("Personnes en situation juridique spécifique"), None,
         "personnes-en-situation-juridique-specifique"),
    Term("exilees", N_("Personnes exilées"), None, "personnes-exilees"),
    Term("qpv-frr", N_("Résidents en QPV ou FRR"), None, "residents-qpv-frr"),
)
# Fees: data·inclusion has no "free under conditions"; it becomes free with a precision.
FEES = (
    Term("gratuit", N_("Gratuit"), "Gratuit", "gratuit"),
    Term("gratuit-sous-condition", N_("Gratuit sous condition"), "Gratuit sous condition",
         "gratuit"),
    Term("payant", N_("Payant"), "Payant", "payant"),
)
# How to get in: médiation numérique's modalités d'accès, data·inclusion's modes de mobilisation.
ACCESS_MODES = (
    Term("se-presenter", N_("Se présenter"), "Se présenter", "se-presenter"),
    Term("telephoner", N_("Téléphoner"), "Téléphoner", "telephoner"),
    Term("envoyer-un-courriel", N_("Contacter par e-mail"), "Contacter par mail",
         "envoyer-un-courriel"),
    Term("rdv-en-ligne", N_("Prendre un rendez-vous en ligne"), "Prendre un RDV en ligne",
         "utiliser-lien-mobilisation"),
    Term("fiche-prescription", N_("Envoyer un e-mail avec une fiche de prescription"),
         "Envoyer un mail avec une fiche de prescription", "envoyer-un-courriel"),
    Term("sans-accueil-public", N_("Ce lieu n'accueille pas de public"),
         "Ce lieu n'accueille pas de public", None),
)
# How people are helped: médiation numérique's modalités d'accompagnement; data·inclusion
# only tells on site from remote.
SUPPORT_MODES = (
    Term("accompagnement-individuel", N_("Accompagnement individuel"),
         "Accompagnement individuel", "en-presentiel"),
    Term("en-autonomie", N_("En autonomie"), "En autonomie", "en-presentiel"),
    Term("atelier-collectif", N_("Dans un atelier collectif"), "Dans un atelier collectif",
         "en-presentiel"),
    Term("a-distance", N_("À distance"), "À distance", "a-distance"),
)
VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "services": SERVICES, "publics": PUBLICS, "fees": FEES, "access_modes": ACCESS_MODES,
    "support_modes": SUPPORT_MODES,
}


def terms_by_word(field: str) -> dict[str, str]:
    """Each folded word of a vocabulary (code, label, either standard's value) → its code."""
    words: dict[str, str] = {}
    for item in VOCABULARIES[field]:  # a standard's value shared by several: the first's
        for word in (item.di, item.mn):
            if word:
                words.setdefault(fold(word), item.code)
    for item in VOCABULARIES[field]:  # our own words always name their code
        words.update({fold(item.label): item.code, fold(item.code): item.code})
    return words


WORDS = {field: terms_by_word(field) for field in VOCABULARIES}


def code_of(field: str, word: str) -> str | None:
    """The code a word names in the field's vocabulary, None when it names none."""
    return WORDS[field].get(fold(word))


def term(field: str, code: str) -> Term | None:
    """The term of a code, None for an unknown one."""
    return next((item for item in VOCABULARIES[field] if item.code == code), None)


def standard_values(field: str, codes: list[str] | None, standard: str) -> list[str]:
    """The codes' values in a standard ('mn' or 'di'), each once, in order."""
    values = (getattr(term(field, code), standard, None) for code in codes or ())
    return list(dict.fromkeys(value for value in values if value))
