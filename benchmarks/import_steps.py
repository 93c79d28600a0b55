"""`python -m benchmarks.import_steps FILE OUT`: import FILE through the four import pages
(upload, mapping, dry run, commit) in this process; write each step's seconds and peak.

The pages run in Flask's test client on the benchmark's database (`DATABASE_URL`), signed in
as an admin made for the run. The peak RSS (VmHWM) is reset before each step (clear_refs),
so each figure is that step's own; "reset" says whether the kernel allowed it.
"""

import json
import os
import re
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.server import reset_peak, status_kb

SELECTED = re.compile(r'<select id="(map_\w+)" name="\1">.*?</select>', re.S)
CHOSEN = re.compile(r'<option selected value="([^"]*)">')


def guessed_mapping(page: str) -> dict[str, str]:
    """The columns the mapping page chose, as the form would send them."""
    fields = {}
    for match in SELECTED.finditer(page):
        chosen = CHOSEN.search(match[0])
        fields[match[1]] = chosen[1] if chosen else ""
    return fields


def signed_in_client(app):
    from app.accounts.services import create_user
    from app.database import write_transaction

    with app.app_context(), write_transaction():
        user = create_user(f"bench-{secrets.token_hex(4)}@example.org",
                           secrets.token_urlsafe(16), "admin")
        user_id = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    return client


def measured(steps: dict, name: str, call, keep: bool = False):
    """Run one step, recording its seconds and its own peak RSS in kB; the page is read
    whole (kept, to be read after) or a piece at a time, as a client reads it (the long
    report pages: their bytes held here would count in this process's peak)."""
    reset = reset_peak([os.getpid()])
    started = time.perf_counter()
    answer = call()
    if keep:
        answer.get_data()
    else:
        for _chunk in answer.response:
            pass
        answer.close()
    steps[name] = {"seconds": time.perf_counter() - started, "reset": reset,
                   "peak_kb": status_kb(os.getpid(), "VmHWM"), "status": answer.status_code}
    return answer


def main() -> None:
    path, out = Path(sys.argv[1]), Path(sys.argv[2])
    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    # Production settings answer 400 to any host but PUBLIC_URL's (TRUSTED_HOSTS): the
    # test client asks as SERVER_NAME.
    app.config["SERVER_NAME"] = urlsplit(app.config["PUBLIC_URL"]).netloc
    client = signed_in_client(app)
    steps = {"before": {"peak_kb": status_kb(os.getpid(), "VmRSS")}}
    with path.open("rb") as handle:
        uploaded = measured(steps, "upload", lambda: client.post(
            "/import", data={"file": (handle, path.name)}, content_type="multipart/form-data"),
            keep=True)
    if "Location" not in uploaded.headers:
        raise SystemExit(f"the upload was refused ({uploaded.status}): "
                         f"{uploaded.get_data(as_text=True)[:500]}")
    location = uploaded.headers["Location"]
    token = location.split("/import/")[1].split("?")[0]
    page = measured(steps, "mapping", lambda: client.get(location), keep=True).get_data(
        as_text=True)
    form = {**guessed_mapping(page), "source": path.name, "default_kind": "initiative",
            "status": "published"}
    measured(steps, "dry run", lambda: client.post(f"/import/{token}/apercu", data=form))
    measured(steps, "commit", lambda: client.post(f"/import/{token}/valider", data=form))
    out.write_text(json.dumps(steps))


if __name__ == "__main__":
    main()
