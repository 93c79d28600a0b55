"""The writer processes of the submissions scenario (top-level functions, for spawn)."""

import itertools
import time
from html.parser import HTMLParser
from pathlib import Path

WRITE_LIMIT = 100_000  # bounded loops: no writer gets anywhere near this


def maxrss_mb() -> float | None:
    """This process's peak RSS (VmHWM: rusage would keep the parent's, from before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def proposals(gazetteer: str, tag: str, writer: int):
    """Endless new initiatives (as service data), each name tagged and numbered."""
    from benchmarks.generate import Generator, load_communes, service_data

    generator = Generator(load_communes(gazetteer), seed=1000 + writer, prefix=tag)
    for number in range(WRITE_LIMIT):
        row = generator.rows(1, first_id=number)[0]
        data = service_data(row)
        data["name"] = f"[{tag} w{writer} n{number}] {row['name']}"[:200]
        data["commune_name"] = row["commune_name"]
        yield data


def ready(proposals_):
    """The proposals with the first one drawn now (communes loaded before the start)."""
    return itertools.chain([next(proposals_)], proposals_)


def write_until(barrier, results, gazetteer, tag, writer, seconds, write_one) -> None:
    """Start with the other writers, write until the time is up, report what happened.

    write_one(data) returns None when the write was accepted, else what went wrong.
    """
    ok, first = 0, []
    writes = ready(proposals(gazetteer, tag, writer))
    barrier.wait()
    deadline = time.monotonic() + seconds
    for data in writes:
        if time.monotonic() >= deadline:
            break
        problem = write_one(data)
        if problem is None:
            ok += 1
        else:
            first.append(problem)
    results.put({"ok": ok, "errors": len(first), "first_errors": first[:3],
                 "maxrss_mb": maxrss_mb()})


def service_writer(barrier, results, database_url, gazetteer, tag, writer, seconds) -> None:
    """Write through create_initiative inside write_transaction, as a request does."""
    import sqlalchemy as sa

    from app import create_app
    from app.database import write_transaction
    from app.extensions import db
    from app.initiatives.services import create_initiative
    from app.models import Theme

    def write_one(data: dict) -> str | None:
        data.pop("commune_name")
        try:
            db.session.scalars(sa.select(Theme)).all()  # a request reads first
            with write_transaction():
                create_initiative(data)
        except Exception as error:  # noqa: BLE001 - counted and reported
            return f"{type(error).__name__}: {str(error)[:150]}"
        return None

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "GAZETTEER_PATH": gazetteer,
                      "PUBLIC_URL": "http://127.0.0.1"})
    with app.app_context():
        write_until(barrier, results, gazetteer, tag, writer, seconds, write_one)
        db.engine.dispose()


class HiddenInputs(HTMLParser):
    """The hidden inputs of a page (CSRF token, stamp)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.values[found["name"]] = found.get("value") or ""


def form_post(data: dict, hidden: dict) -> dict:
    """What a person's browser posts for this proposal (honeypot left empty)."""
    return {
        **hidden, "name": data["name"], "summary": data.get("summary", ""),
        "description": data.get("description", ""), "kind": data["kind"],
        "themes": data["themes"], "actor_name": data.get("actor_name", ""),
        "actor_type": data.get("actor_type", ""), "commune": data["commune_name"],
        "insee": data["insee"], "lon": str(data["lon"]), "lat": str(data["lat"]),
        "website": data.get("website", ""), "private_email": data.get("private_email", ""),
        "nickname": "", "consent": "y", "confirm_distinct": "y",
    }


def http_writer(barrier, results, base_url, gazetteer, tag, writer, seconds) -> None:
    """Load the proposal form and post it, as a browser does."""
    import requests

    session = requests.Session()

    def write_one(data: dict) -> str | None:
        try:
            page = session.get(f"{base_url}/initiatives/new", timeout=60)
            parser = HiddenInputs()
            parser.feed(page.text)
            answer = session.post(f"{base_url}/initiatives/new", allow_redirects=False,
                                  data=form_post(data, parser.values), timeout=60)
        except requests.RequestException as error:
            return f"{type(error).__name__}: {error}"
        if answer.status_code in (302, 303):  # on to the follow-up page: accepted
            return None
        return f"HTTP {answer.status_code}: {error_text(answer.text)}"

    write_until(barrier, results, gazetteer, tag, writer, seconds, write_one)


def error_text(html: str) -> str:
    """The start of the first error message a form page shows."""
    for marker in ('class="error', 'class="invalid', 'role="alert"'):
        at = html.find(marker)
        if at >= 0:
            return " ".join(html[at:at + 300].split())[:200]
    return " ".join(html[:200].split())
