"""Configuration from the environment."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRUE_WORDS = ("1", "true", "yes", "on")
DEFAULT_TILE_URL = "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs OpenStreetMap</a>, '
    'fond <a href="https://www.openstreetmap.fr/">OpenStreetMap France</a>'
)


def setting(name: str, default=None):
    """A setting from the running app's config, else from the environment, else default
    (for settings read when used, such as mail and page files)."""
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else value


def load_secret_key(instance_path: Path) -> str:
    """Read the secret key from the instance folder, generating it once when absent."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when several workers start at once, only one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def from_environment(instance_path: Path) -> dict:
    """Build the settings from environment variables, with embedded defaults."""
    env = os.environ
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'maillage.db'}"
        ),
        "GAZETTEER_PATH": env.get(
            "GAZETTEER_PATH", str(PROJECT_ROOT / "geodata" / "build" / "gazetteer.sqlite")
        ),
        # How far outside its commune's outline an initiative's point may lie, in km.
        "POINT_TOLERANCE_KM": float(env.get("POINT_TOLERANCE_KM", 5)),
        "SEED_PATH": str(PROJECT_ROOT / "geodata" / "seed_corpus.geojson"),
        # The dossiers; their membership is read from the corpus at SEED_PATH.
        "SEED_DOSSIERS_PATH": str(PROJECT_ROOT / "geodata" / "seed_dossiers.json"),
        # Root of the public pages for absolute links (e-mails, exports, API); required in
        # production, where it also limits the Host headers served. The request's otherwise.
        "PUBLIC_URL": env.get("PUBLIC_URL"),
        "TRUSTED_HOSTS": trusted_hosts(env),
        "TILE_URL": env.get("TILE_URL", DEFAULT_TILE_URL),
        "TILE_ATTRIBUTION": env.get("TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
        "REDIS_URL": env.get("REDIS_URL"),
        # memory:// counts per worker process: several gunicorn workers need a shared store.
        "RATELIMIT_STORAGE_URI": (env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL")
                                  or "memory://"),
        # How many reverse proxies (nginx, Caddy…) stand in front: their X-Forwarded-* headers
        # give the visitor's address and HTTPS. 0 trusts none (served directly).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", 0)),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)),
        # The moderation team's address, shown on the about page (none: not shown).
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL"),
        # The uMap instance "Open in uMap" sends people to.
        "UMAP_URL": env.get("UMAP_URL", "https://umap.openstreetmap.fr"),
        # Imports: size refused before parsing, rows refused while parsing, and how long a
        # parsed file waits between the steps (in the staged_imports table).
        "IMPORT_MAX_BYTES": int(env.get("IMPORT_MAX_BYTES", 32 * 1024 * 1024)),
        "IMPORT_MAX_ROWS": int(env.get("IMPORT_MAX_ROWS", 100_000)),
        "IMPORT_TTL_SECONDS": int(env.get("IMPORT_TTL_SECONDS", 3600)),
        # Harvesting: how long one fetch may take in all (seconds, redirects and body
        # included), the most bytes of a body once decoded, how many redirects are followed,
        # and for another Maillage's API the most pages and features one pull reads.
        "HARVEST_TIMEOUT": float(env.get("HARVEST_TIMEOUT", 30)),
        "HARVEST_MAX_BYTES": int(env.get("HARVEST_MAX_BYTES", 32 * 1024 * 1024)),
        "HARVEST_MAX_REDIRECTS": int(env.get("HARVEST_MAX_REDIRECTS", 5)),
        "HARVEST_MAX_PAGES": int(env.get("HARVEST_MAX_PAGES", 200)),
        "HARVEST_MAX_FEATURES": int(env.get("HARVEST_MAX_FEATURES", 100_000)),
        # Private networks every source may reach (comma-separated, such as 10.20.0.0/16 for
        # an internal open-data server); any other private address needs a source's
        # "allow private" flag.
        "HARVEST_ALLOWED_NETWORKS": env.get("HARVEST_ALLOWED_NETWORKS", ""),
        # The maps load every matching point up to this many and group them in the browser;
        # past it they load the clusters the database counts per tile (/api/v1/map/tiles).
        "MAP_CLIENT_POINTS_MAX": int(env.get("MAP_CLIENT_POINTS_MAX", 20_000)),
        # Printed directories (PDF): beyond this many entries the visitor is asked to narrow.
        "PDF_MAX_ENTRIES": int(env.get("PDF_MAX_ENTRIES", 1000)),
        # How many processes render one long directory at once (0: one per idle CPU; 1: the
        # request's own only).
        "PDF_PROCESSES": int(env.get("PDF_PROCESSES", 0)),
        # Development (`make run`): a thread of the server runs the periodic jobs every
        # JOBS_IN_PROCESS_SECONDS. Off by default: production runs `flask jobs run` from a timer.
        "JOBS_IN_PROCESS": env.get("JOBS_IN_PROCESS", "").strip().lower() in TRUE_WORDS,
        "JOBS_IN_PROCESS_SECONDS": float(env.get("JOBS_IN_PROCESS_SECONDS", 10)),
        # Freshness: an entry not confirmed for STALE_AFTER_DAYS is marked "à vérifier"; its
        # contact gets a reminder every REMINDER_INTERVAL_DAYS, and after REMINDERS_BEFORE_FLAG
        # unanswered ones the moderators see it flagged. A reminder's links last
        # REMINDER_LINK_DAYS.
        "STALE_AFTER_DAYS": int(env.get("STALE_AFTER_DAYS", 365)),
        "REMINDER_INTERVAL_DAYS": int(env.get("REMINDER_INTERVAL_DAYS", 30)),
        "REMINDERS_BEFORE_FLAG": int(env.get("REMINDERS_BEFORE_FLAG", 3)),
        "REMINDER_LINK_DAYS": int(env.get("REMINDER_LINK_DAYS", 60)),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # A pooled PostgreSQL connection idle longer than this is checked before use (those
        # used more recently are not: a round trip saved per request).
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(env.get("DATABASE_PING_AFTER_IDLE_SECONDS", 10)),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Sent over HTTPS only when the site is public over HTTPS; plain http://127.0.0.1 in
        # local development. SESSION_COOKIE_SECURE=0|1 overrides it.
        "SESSION_COOKIE_SECURE": secure_cookies(env),
        "REMEMBER_COOKIE_SECURE": secure_cookies(env),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "LANGUAGES": ("fr", "en"),
        "JSON_SORT_KEYS": False,
    }


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without."""


def require_public_url(debug: bool, testing: bool, public_url: str | None) -> None:
    """Refuse to start in production without an http(s) PUBLIC_URL.

    Links in e-mails, exports and the API are built on it, and it names the only host served
    (TRUSTED_HOSTS). Development (debug mode: `make run`) and the tests use the request's host.
    """
    if debug or testing or is_site_url(public_url):
        return
    raise ConfigurationError(
        f"PUBLIC_URL must be set to the site's public address, such as "
        f"https://maillage.example.fr (found {public_url or 'nothing'!r}): it is required in "
        "production, where absolute links and the Host headers served come from it. For local "
        "development, run flask with --debug (make run does).")


def is_site_url(url: str | None) -> bool:
    """Tell whether url is an absolute http:// or https:// address with a host."""
    try:
        parts = urlsplit((url or "").strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def trusted_hosts(env) -> list[str] | None:
    """PUBLIC_URL's host and TRUSTED_HOSTS (comma-separated), or None (any: development).

    Flask answers 400 to any other Host header, so no link is ever built on a forged one.
    """
    hosts = [host.strip() for host in env.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
    public_host = urlsplit(env.get("PUBLIC_URL") or "").hostname
    return [public_host, *hosts] if public_host else (hosts or None)


def secure_cookies(env) -> bool:
    """Explicit SESSION_COOKIE_SECURE, else whether PUBLIC_URL is an https:// address."""
    explicit = env.get("SESSION_COOKIE_SECURE", "").strip().lower()
    if explicit:
        return explicit in TRUE_WORDS
    return (env.get("PUBLIC_URL") or "").lower().startswith("https://")


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
