"""The README tells how e-mail works: every mail setting the code reads, and a systemd timer
and a cron line that run a real command."""

import re
import shlex

from tests.conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()


def section() -> str:
    """The README's section on e-mail and periodic jobs ("" when there is none)."""
    parts = README.split("## E-mail and periodic jobs")
    return parts[1].split("\n## ")[0] if len(parts) > 1 else ""


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(), flags=re.DOTALL)


def test_readme_names_every_mail_setting_the_code_reads():
    code = "".join(path.read_text() for path in (PROJECT_ROOT / "app").rglob("*.py"))
    settings = set(re.findall(r"\b(MAIL_[A-Z_]+|JOBS_[A-Z_]+)\b", code))
    assert {"MAIL_REPLY_TO", "MAIL_SERVER", "JOBS_IN_PROCESS"} <= settings
    assert not {name for name in settings if f"`{name}`" not in README}


def test_readme_gives_a_systemd_timer_and_a_cron_line_running_flask_jobs_run(runner):
    service, timer = code_blocks("ini")
    [exec_start] = re.findall(r"^ExecStart=(.+)$", service, flags=re.MULTILINE)
    assert "Type=oneshot" in service and "OnCalendar=" in timer and "timers.target" in timer
    [cron] = code_blocks("cron")
    for command in (exec_start, cron.split("&& ")[-1]):
        words = shlex.split(command)
        assert words[0].endswith("flask") and words[1:5] == ["--app", "app", "jobs", "run"]
    assert runner.invoke(args=["jobs", "run", "--help"]).exit_code == 0


def test_readme_explains_mail_in_development_and_production():
    for words in ("outbox", "make run", ".eml", "instance/mail/", "SMTP", "MAIL_REPLY_TO",
                  "skipped", "PUBLIC_URL"):
        assert words in section(), words
