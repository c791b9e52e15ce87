"""A programme's targeting profile: which indicators count, with what weight, over what radius
and time window, for which school phases. Stored as JSON on the programme; read here."""

from dataclasses import dataclass, field

from safereach.matrix.indicators import OTHER, PHASE_GROUPS, PRIMARY, SECONDARY

KINDS = ("deprivation", "fsm", "incidents", "trend", "hotspot", "places", "need", "area_rate")
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


@dataclass(frozen=True)
class Profile:
    indicators: tuple[Indicator, ...]
    phases: tuple[str, ...] = PHASE_GROUPS
    radius_m: dict = field(default_factory=lambda: dict(DEFAULT_RADIUS))
    window_months: int = 12
    half_life_months: float | None = None
    distance_decay: bool = False
    trend_prior: float = 5.0

    @property
    def target_categories(self) -> tuple[str, ...]:
        """The incident categories the programme aims to prevent: what a back-test counts."""
        seen: dict[str, None] = {}
        for indicator in self.indicators:
            if indicator.kind == "incidents":
                seen.update(dict.fromkeys(indicator.categories))
        return tuple(seen)

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
                categories=tuple(raw.get("categories", ())), kinds=tuple(raw.get("kinds", ())))
            if kind != "area_rate" and indicator.measure not in MEASURES:
                raise ValueError(f"{name!r}: measure must be one of {', '.join(MEASURES)}")
            if indicator.scope not in SCOPES:
                raise ValueError(f"{name!r}: scope must be catchment or lsoa")
            if kind in ("incidents", "trend", "hotspot") and not indicator.categories:
                raise ValueError(f"{name!r} needs the incident categories it counts")
            if kind == "places" and not indicator.kinds:
                raise ValueError(f"{name!r} needs the kinds of place it counts")
            indicators.append(indicator)
        if not indicators or not any(i.weight > 0 for i in indicators):
            raise ValueError("A profile needs at least one indicator with a weight above 0")
        return cls(tuple(indicators), phases, radius, window,
                   float(half_life) if half_life else None, bool(data.get("distance_decay")),
                   float(data.get("trend_prior", 5.0)))
