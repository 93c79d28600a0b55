"""Uploaded files kept server-side between the import steps, under a random token.

The browser only ever holds the token: the file, its name and its owner stay in instance/,
and expire after IMPORT_TTL_SECONDS.
"""

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class UploadMissing(LookupError):
    """The token is unknown, expired, or belongs to someone else."""


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    data: bytes


def folder() -> Path:
    """Where uploads wait: IMPORT_FOLDER, by default instance/imports."""
    path = Path(current_app.config.get("IMPORT_FOLDER") or
                Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def store(data: bytes, filename: str, owner_id: int) -> str:
    """Keep an uploaded file; return its token."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    meta = {"filename": Path(filename or "fichier").name[:200], "owner": owner_id}
    write_private(folder() / f"{token}.data", data)
    write_private(folder() / f"{token}.json", json.dumps(meta).encode())
    return token


def load(token: str, owner_id: int) -> Upload:
    """The upload behind a token, for its owner only; raise UploadMissing otherwise."""
    if not TOKEN.match(token or ""):
        raise UploadMissing(token)
    meta_path, data_path = folder() / f"{token}.json", folder() / f"{token}.data"
    try:
        meta = json.loads(meta_path.read_text())
        if meta["owner"] != owner_id or expired(meta_path):
            raise UploadMissing(token)
        return Upload(token, meta["filename"], data_path.read_bytes())
    except (OSError, ValueError, KeyError):
        raise UploadMissing(token) from None


def discard(token: str) -> None:
    if TOKEN.match(token or ""):
        for suffix in (".json", ".data"):
            (folder() / f"{token}{suffix}").unlink(missing_ok=True)


def expired(path: Path) -> bool:
    return time.time() - path.stat().st_mtime > current_app.config["IMPORT_TTL_SECONDS"]


def purge_expired() -> None:
    """Delete the uploads nobody finished in time."""
    for meta_path in folder().glob("*.json"):
        try:
            if expired(meta_path):
                discard(meta_path.stem)
        except OSError:
            continue
