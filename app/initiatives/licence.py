"""The licence of the published initiatives, as the API, the exports and the pages state it."""

DATA_LICENCE = {"name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
