"""A programme's targeting profile: which indicators count, with what weight, over what radius
and time window, for which school phases, and how need and risk combine. Stored as JSON on the
programme; read here.

Need is about the children (IMD and IDACI of the catchment, free school meals, the school's own
tier of need); risk is about what happens around the school (the forecast of incidents, counts,
trends, hot spots, places, figures per area, the crime domain). `need_weight` (0 to 1) is need's
share of the score: 0 ranks by risk alone, 1 by need alone. A profile that does not give it
shares the score as its indicators' weights do."""

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
            if not isinstance(metres, int | float) or not 100 <= metres <= 20_000:
                raise ValueError(f"Radius for {phase} must be between 100 and 20,000 metres")
            radius[phase] = float(metres)
        window = data.get("window_months", 12)
        if not isinstance(window, int) or not 2 <= window <= 60:
            raise ValueError("window_months must be a whole number of months from 2 to 60")
        half_life = data.get("half_life_months")
        if half_life is not None and (not isinstance(half_life, int | float) or half_life <= 0):
            raise ValueError("half_life_months must be a positive number of months, or null")
        indicators = []
        names = set()
        for raw in data.get("indicators") or []:
            kind = raw.get("kind")
            if kind not in KINDS:
                raise ValueError(f"Unknown indicator kind {kind!r}: use {', '.join(KINDS)}")
            name = raw.get("name") or kind
            if name in names:
                raise ValueError(f"Two indicators are called {name!r}")
            names.add(name)
            weight = raw.get("weight", 1)
            if not isinstance(weight, int | float) or weight < 0:
                raise ValueError(f"The weight of {name!r} must be a number of 0 or more")
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
        if need_weight is not None and (isinstance(need_weight, bool)
                                        or not isinstance(need_weight, int | float)
                                        or not 0 <= need_weight <= 1):
            raise ValueError("need_weight must be a number from 0 (rank by risk alone) to 1 "
                             "(rank by need alone), or null")
        horizon = data.get("horizon_months", 3)
        if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 24:
            raise ValueError("horizon_months must be a whole number of months from 1 to 24")
        return cls(tuple(indicators), phases, radius, window,
                   float(half_life) if half_life else None, bool(data.get("distance_decay")),
                   float(data.get("trend_prior", 5.0)),
                   None if need_weight is None else float(need_weight), horizon)
