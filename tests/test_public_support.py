"""Shared helpers of the public-page tests: an initiative factory, page parsers (no tests)."""

import json
import re

import pytest

from app.database import write_transaction
from app.initiatives.services import create_initiative

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)
CONFIG = re.compile(r"MaillageMap\.attach\(\w+, (\{.*?\})\);", re.S)


@pytest.fixture(name="make_initiative")
def make_initiative_fixture(themes):
    """Create an initiative (published, in Paris, crisis-management theme unless told)."""

    def make(**values):
        data = {"name": "Initiative de test", "kind": "initiative", "insee": "75056",
                "themes": ["crisis-management"], "summary": "Résumé de test.", **values}
        status = data.pop("status", "published")
        with write_transaction():
            return create_initiative(data, status=status).id

    return make


def json_ld_of(html: str) -> dict:
    """The JSON-LD object of a page."""
    return json.loads(JSON_LD.search(html).group(1))


def map_config_of(html: str) -> dict:
    """The configuration our map layer receives on a page."""
    return json.loads(CONFIG.search(html).group(1))
