"""What every scenario is given: the run, the database and scale, the server, the settings."""

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Run, Target
from benchmarks.load import Database


@dataclass(frozen=True)
class Settings:
    size: int
    load_seconds: float  # each wrk run
    write_seconds: float  # each submissions run
    repeats: int  # repeated timings (warm fetches, bbox rounds, page loads)
    chromium: str
    profile: str | None = None  # a scenario name, "auto", or None
    only: tuple[str, ...] = ()  # scenario modules to run (all when empty)
    sqlite_max: int = 1_000_000  # the largest scale measured on SQLite
    import_ratio: float = 0.1  # rows imported, as a share of the scale...
    import_max: int = 100_000  # ...up to this many
    keep_database: bool = False  # keep maillage_bench loaded at the end, reuse it when it fits

    def import_rows(self, scale: int) -> int:
        """The rows of the import scenario's CSV at this scale (at least 100)."""
        return max(100, min(self.import_max, round(scale * self.import_ratio)))


@dataclass
class Context:
    run: Run
    database: Database
    scale: int
    settings: Settings
    workdir: Path
    server: object = None  # benchmarks.server.Server while one is running
    app: object = None  # the app in-process, for floors and query plans
    shared: dict = field(default_factory=dict)  # what one scenario leaves for the next

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def add(self, scenario: str, label: str, value: float | None, unit: str, *,
            floor: float | None = None, floor_label: str = "", target: Target | None = None,
            note: str = ""):
        return self.run.add(scenario, self.database.dialect, self.scale, label, value, unit,
                            floor=floor, floor_label=floor_label, target=target, note=note)

    def missing(self, scenario: str, reason: str) -> None:
        self.run.missing(scenario, self.database.dialect, self.scale, reason)

    def available(self, scenario: str, path: str) -> bool:
        """Whether the server has this endpoint; when not, say so in the report."""
        from benchmarks.client import exists

        found, reason = exists(self.base_url, path)
        if not found:
            self.missing(scenario, reason)
        return found

    def memory(self, scenario: str, label: str, peak_mb: float | None, reset: bool) -> None:
        """Record a worker's peak RSS during a scenario, against the 300 MB target."""
        note = "" if reset else "peak since the worker started (the kernel refused a reset)"
        target = Target("value", 300, text="≤ 300 MB per worker") if self.scale >= 100_000 \
            else None
        self.run.add("memory", self.database.dialect, self.scale, f"{scenario}: {label}",
                     peak_mb, "MB", target=target, note=note)
