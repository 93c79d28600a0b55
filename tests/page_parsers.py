"""Parsers of what the public pages embed: their JSON-LD and their map configuration."""

import json
import re

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)
CONFIG = re.compile(r"MaillageMap\.attach\(\w+, (\{.*?\})\);", re.S)


def json_ld_of(html: str) -> dict:
    """The JSON-LD object of a page."""
    return json.loads(JSON_LD.search(html).group(1))


def map_config_of(html: str) -> dict:
    """The configuration our map layer receives on a page."""
    return json.loads(CONFIG.search(html).group(1))
