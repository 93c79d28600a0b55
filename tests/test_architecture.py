"""The import rules of .importlinter hold, and break when a blueprint or the core crosses them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run the same check as `make check` on the package under root."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=root, capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(root)}, check=False)


def test_the_code_keeps_every_import_contract():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("app/public/probe.py", "from app.moderation import bp", "Blueprints never import"),
    ("app/api/probe.py", "from app.exchange.routes import bp", "Blueprints never import"),
    ("app/initiatives/probe.py", "import app.contribute", "Layers"),
    ("app/models/probe.py", "from app.web.labels import kind_label", "Layers"),
    ("app/web/probe.py", "from app.caching.bounded import app_cache", "Layers"),
    ("app/geo/probe.py", "from wtforms import StringField", "never imports Flask-WTF"),
])
def test_a_forbidden_import_breaks_the_check(tmp_path, module, line, broken):
    shutil.copytree(PROJECT_ROOT / "app", tmp_path / "app",
                    ignore=shutil.ignore_patterns("__pycache__", "translations"))
    shutil.copy(PROJECT_ROOT / ".importlinter", tmp_path)
    (tmp_path / module).write_text(f'"""A module that breaks a rule."""\n\n{line}\n')
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout and "BROKEN" in result.stdout
    assert "probe" in result.stdout
