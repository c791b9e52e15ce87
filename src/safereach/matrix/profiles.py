"""A programme's targeting profile: which indicators count, with what weight, over what radius
and time window, for which school phases, and how need and risk combine. Stored as JSON on the
programme; read here.

Need is about the children (IMD and IDACI of the catchment, free school meals, the school's own
tier of need); risk is about what happens around the school (the forecast of incidents, counts,
trends, hot spots, places, figures per area, the crime domain). `need_weight` (0 to 1) is need's
share of the score: 0 ranks by risk alone, 1 by need alone. A profile that does not give it
shares the score as its indicators' weights do."""

import math
from dataclasses import dataclass, field

from safereach.matrix.forecast import SUPERGROUPS
from safereach.matrix.indicators import OTHER, PHASE_GROUPS, PRIMARY, SECONDARY

KINDS = ("deprivation", "fsm", "incidents", "trend", "hotspot", "places", "need", "area_rate",
         "forecast", "classification")
# Kinds that count incidents of listed categories.
INCIDENT_KINDS = ("incidents", "trend", "hotspot", "forecast")
MEASURES = ("imd", "idaci", "crime")
SCOPES = ("catchment", "lsoa")
DEFAULT_RADIUS = {PRIMARY: 1500.0, SECONDARY: 3000.0, OTHER: 3000.0}
# Bounds on every number of a profile: the form on the profile page and any JSON written by
# hand are held to the same ones, so nothing out of range (a weight of 1e308, say) is ever saved
# or reaches a build.
WEIGHT_RANGE = (0, 100)
RADIUS_RANGE = (100, 20_000)  # metres
WINDOW_RANGE = (2, 60)  # months
HORIZON_RANGE = (1, 24)  # months
HALF_LIFE_RANGE = (0.5, 120)  # months
TREND_PRIOR_RANGE = (0.1, 100)


def _is_number(x) -> bool:
    """A real, finite number: not true/false, not NaN or infinity (JSON readers accept both)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _within(x, bounds) -> bool:
    return _is_number(x) and bounds[0] <= x <= bounds[1]


def _whole_within(x, bounds) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and bounds[0] <= x <= bounds[1]


@dataclass(frozen=True)
class Indicator:
    """One indicator of a profile. `measure` is the deprivation measure (imd, idaci, crime)
    for `deprivation`, and the measure of figures loaded per area (e.g. 'dwelling fires', as
    `safereach load area-rates --measure` named it) for `area_rate`."""

    name: str
    kind: str
    weight: float
    label: str = ""
    measure: str = "imd"
    scope: str = "catchment"
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # area classification groups, for `classification`

    @property
    def side(self) -> str:
        """'need' for what is about the children, 'risk' for what happens around the school."""
        if self.kind in ("fsm", "need") or (self.kind == "deprivation" and self.measure != "crime"):
            return "need"
        return "risk"


@dataclass(frozen=True)
class Profile:
    indicators: tuple[Indicator, ...]
    phases: tuple[str, ...] = PHASE_GROUPS
    radius_m: dict = field(default_factory=lambda: dict(DEFAULT_RADIUS))
    window_months: int = 12
    half_life_months: float | None = None
    distance_decay: bool = False
    trend_prior: float = 5.0
    need_weight: float | None = None  # None: as the indicators' weights share the score
    horizon_months: int = 3  # how far ahead the forecast looks

    @property
    def target_categories(self) -> tuple[str, ...]:
        """The incident categories the programme aims to prevent: what a back-test counts.
        The forecast's when the profile has one; otherwise every counted incident's."""
        forecasts = [i for i in self.indicators if i.kind == "forecast"]
        seen: dict[str, None] = {}
        for indicator in forecasts or self.indicators:
            if indicator.kind in ("incidents", "forecast"):
                seen.update(dict.fromkeys(indicator.categories))
        return tuple(seen)

    @property
    def share_of_need(self) -> float:
        """Need's share of the score (0 to 1)."""
        if self.need_weight is not None:
            return self.need_weight
        total = sum(i.weight for i in self.indicators)
        return sum(i.weight for i in self.indicators if i.side == "need") / total if total else 0.0

    @classmethod
    def from_json(cls, data: dict) -> "Profile":
        """Read and check a profile; ValueError names what is wrong in words an analyst knows."""
        if not isinstance(data, dict):
            raise ValueError("A profile is a JSON object")
        phases = tuple(data.get("phases", PHASE_GROUPS))
        for phase in phases:
            if phase not in PHASE_GROUPS:
                raise ValueError(f"Unknown phase {phase!r}: use {', '.join(PHASE_GROUPS)}")
        radius = dict(DEFAULT_RADIUS)
        for phase, metres in (data.get("radius_m") or {}).items():
            if phase not in PHASE_GROUPS:
                raise ValueError(f"Unknown phase {phase!r} in radius_m")
            if not _within(metres, RADIUS_RANGE):
                raise ValueError(f"Radius for {phase} must be between {RADIUS_RANGE[0]:,} and "
                                 f"{RADIUS_RANGE[1]:,} metres")
            radius[phase] = float(metres)
        window = data.get("window_months", 12)
        if not _whole_within(window, WINDOW_RANGE):
            raise ValueError(f"window_months must be a whole number of months from {WINDOW_RANGE[0]} "
                             f"to {WINDOW_RANGE[1]}")
        half_life = data.get("half_life_months")
        if half_life is not None and not _within(half_life, HALF_LIFE_RANGE):
            raise ValueError(f"half_life_months must be a number of months from {HALF_LIFE_RANGE[0]} "
                             f"to {HALF_LIFE_RANGE[1]}, or null")
        trend_prior = data.get("trend_prior", 5.0)
        if not _within(trend_prior, TREND_PRIOR_RANGE):
            raise ValueError(f"trend_prior must be a number from {TREND_PRIOR_RANGE[0]} to "
                             f"{TREND_PRIOR_RANGE[1]}")
        indicators = []
        names = set()
        raw_indicators = data.get("indicators") or []
        if not isinstance(raw_indicators, list):
            raise ValueError("indicators must be a list")
        for raw in raw_indicators:
            if not isinstance(raw, dict):
                raise ValueError("Each indicator is a JSON object")
            kind = raw.get("kind")
            if kind not in KINDS:
                raise ValueError(f"Unknown indicator kind {kind!r}: use {', '.join(KINDS)}")
            name = raw.get("name") or kind
            if name in names:
                raise ValueError(f"Two indicators are called {name!r}")
            names.add(name)
            weight = raw.get("weight", 1)
            if not _within(weight, WEIGHT_RANGE):
                raise ValueError(f"The weight of {name!r} must be a number from {WEIGHT_RANGE[0]} "
                                 f"to {WEIGHT_RANGE[1]}")
            measure = raw.get("measure", "" if kind == "area_rate" else "imd")
            if kind == "area_rate":
                if not isinstance(measure, str) or not measure.strip():
                    raise ValueError(f"{name!r} needs the measure of area figures it reads, "
                                     "e.g. 'dwelling fires'")
                measure = " ".join(measure.lower().split())  # as the importer stores it
            indicator = Indicator(
                name=name, kind=kind, weight=float(weight), label=raw.get("label", ""),
                measure=measure, scope=raw.get("scope", "catchment"),
                categories=tuple(raw.get("categories", ())), kinds=tuple(raw.get("kinds", ())),
                groups=tuple(raw.get("groups", ())))
            if kind != "area_rate" and indicator.measure not in MEASURES:
                raise ValueError(f"{name!r}: measure must be one of {', '.join(MEASURES)}")
            if indicator.scope not in SCOPES:
                raise ValueError(f"{name!r}: scope must be catchment or lsoa")
            if kind in INCIDENT_KINDS and not indicator.categories:
                raise ValueError(f"{name!r} needs the incident categories it counts")
            if kind == "classification":
                known = {g.lower() for g in SUPERGROUPS.values()}
                unknown = [g for g in indicator.groups if g.lower() not in known]
                if not indicator.groups or unknown:
                    raise ValueError(f"{name!r} needs the area classification groups it reads, from: "
                                     f"{', '.join(SUPERGROUPS.values())}")
            if kind == "places" and not indicator.kinds:
                raise ValueError(f"{name!r} needs the kinds of place it counts")
            indicators.append(indicator)
        if not indicators or not any(i.weight > 0 for i in indicators):
            raise ValueError("A profile needs at least one indicator with a weight above 0")
        need_weight = data.get("need_weight")
        if need_weight is not None and not _within(need_weight, (0, 1)):
            raise ValueError("need_weight must be a number from 0 (rank by risk alone) to 1 "
                             "(rank by need alone), or null")
        horizon = data.get("horizon_months", 3)
        if not _whole_within(horizon, HORIZON_RANGE):
            raise ValueError(f"horizon_months must be a whole number of months from "
                             f"{HORIZON_RANGE[0]} to {HORIZON_RANGE[1]}")
        return cls(tuple(indicators), phases, radius, window,
                   float(half_life) if half_life else None, bool(data.get("distance_decay")),
                   float(trend_prior),
                   None if need_weight is None else float(need_weight), horizon)
