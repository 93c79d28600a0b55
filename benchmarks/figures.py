"""What a run measured: figures with their floor and target, and what could not be measured."""

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A bound on a figure's value ("value") or on its ratio to the floor ("ratio")."""

    on: str  # "value" or "ratio"
    bound: float
    higher_is_better: bool = False
    text: str = ""

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        measured = value if self.on == "value" else ratio
        if measured is None:
            return None
        return measured >= self.bound if self.higher_is_better else measured <= self.bound

    def miss(self, value: float | None, ratio: float | None) -> str:
        """By how much the figure misses the target, in words."""
        measured = value if self.on == "value" else ratio
        if measured is None or self.met(value, ratio) is not False:
            return ""
        side = "below" if self.higher_is_better else "over"
        unit = "×" if self.on == "ratio" else ""
        said = f"{short(measured)}{unit} vs {self.bound:g}{unit}"
        if not self.bound:
            return said
        return f"{said}: {abs(measured - self.bound) / self.bound * 100:.0f} % {side}"


def short(value: float) -> str:
    """Three significant digits, without an exponent for large values."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


@dataclass
class Figure:
    scenario: str
    database: str
    scale: int
    label: str
    value: float | None
    unit: str
    floor: float | None = None
    floor_label: str = ""
    target: Target | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value, self.ratio) if self.target else None


@dataclass
class Unavailable:
    scenario: str
    database: str
    scale: int
    reason: str


@dataclass
class Run:
    """Everything a run found, kept in order; saved as JSON beside the report."""

    size: int
    scales: list[int]
    figures: list[Figure] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    machine: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    command: str = ""
    # Later runs whose figures replaced this run's for the scenarios they measured again.
    remeasured: list[str] = field(default_factory=list)

    def add(self, *args, **kwargs) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        return figure

    def missing(self, scenario: str, database: str, scale: int, reason: str) -> None:
        self.unavailable.append(Unavailable(scenario, database, scale, reason))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1, default=str))

    @classmethod
    def load(cls, path: Path) -> "Run":
        """A run saved by save(), to write its report again."""
        data = json.loads(path.read_text())
        figures = [Figure(**{**f, "target": Target(**f["target"]) if f["target"] else None})
                   for f in data.pop("figures")]
        unavailable = [Unavailable(**u) for u in data.pop("unavailable")]
        return cls(**data, figures=figures, unavailable=unavailable)


MEMORY = "memory"  # the scenario name of every peak-memory figure (benchmarks.context)


def merged(earlier: "Run", later: "Run") -> "Run":
    """The earlier run with the scenarios the later one measured replaced by its figures,
    scale by scale and database by database; the later run named among the re-measured."""
    # Every scenario adds its own rows to "memory": those are replaced one by one.
    redone = {(f.scenario, f.database, f.scale) for f in later.figures if f.scenario != MEMORY}
    redone |= {(u.scenario, u.database, u.scale) for u in later.unavailable}
    measures = {(f.database, f.scale, f.label) for f in later.figures if f.scenario == MEMORY}
    kept = [f for f in earlier.figures if (f.scenario, f.database, f.scale) not in redone
            and (f.scenario != MEMORY or (f.database, f.scale, f.label) not in measures)]
    gone = [u for u in earlier.unavailable if (u.scenario, u.database, u.scale) not in redone]
    what = ", ".join(sorted({f"{s} ({d}, {n:,})" for s, d, n in redone if s != "all"}))
    load = (later.machine.get("load average at start (1/5/15 min)", "?"),
            later.machine.get("load average at end (1/5/15 min)", "?"))
    said = (f"`{later.command}` on {later.machine.get('date', '?')} (load average at start "
            f"{load[0]}, at end {load[1]}): {what}")
    return Run(earlier.size, sorted({*earlier.scales, *later.scales}),
               figures=kept + later.figures, unavailable=gone + later.unavailable,
               plans={**earlier.plans, **later.plans}, notes=earlier.notes + later.notes,
               machine=earlier.machine, timings={**earlier.timings, **later.timings},
               command=earlier.command, remeasured=[*earlier.remeasured, said])


def percentile(values: list[float], share: float) -> float:
    """The share-th percentile (0-100) of the values, nearest rank."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)
