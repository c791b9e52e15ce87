"""Build a programme's target list from arrays: indicators, percentiles, score, rank, reasons.

`Evidence` holds everything as arrays in British National Grid metres; `Matrix` computes the
indicators each profile asks for, sharing the expensive passes (incident counts, catchments,
hot spots) between programmes that ask for the same thing.
"""

from dataclasses import dataclass, field

import numpy as np

from safereach.core.small_counts import FEWER_THAN_SMALL, is_small, shared_count
from safereach.matrix import hotspots
from safereach.matrix import indicators as ind
from safereach.matrix.profiles import Indicator, Profile
from safereach.matrix.scoring import percentile_within, rank_and_decile, weighted_score

MEASURE_NAMES = {"imd": "IMD", "idaci": "IDACI (income deprivation affecting children)",
                 "crime": "crime domain"}
TIER_NAMES = {1: "tier 1 (universal)", 2: "tier 2 (enhanced)", 3: "tier 3 (complex)"}
AREA_LEVEL_NAMES = {"lsoa": "LSOA", "msoa": "MSOA", "ward": "ward", "district": "district"}


@dataclass
class AreaFigures:
    """One measure published per area (any level): counts a year and rates per 1,000 people,
    NaN where the source gives none."""

    codes: np.ndarray  # distinct ONS codes
    count: np.ndarray
    rate_per_1000: np.ndarray


@dataclass
class Evidence:
    school_xy: np.ndarray  # n × 2
    school_phase_group: np.ndarray  # n, str
    school_lsoa: np.ndarray  # n, index into the LSOA arrays or -1
    school_fsm: np.ndarray  # n, per cent, NaN when unknown
    school_need_tier: np.ndarray  # n, 1-3, NaN when unknown
    lsoa_xy: np.ndarray  # m × 2 centroids
    # measure → (values, basis): higher is more deprived; basis "score" or "rank" (per cent of
    # England's areas less deprived, from national ranks when scores are not published).
    lsoa_deprivation: dict[str, tuple[np.ndarray, str]]
    lsoa_population: np.ndarray  # m, NaN when unknown
    incident_xy: np.ndarray  # k × 2
    incident_month: np.ndarray  # k, ind.month_index
    incident_category: np.ndarray  # k, index into categories
    categories: list[str]
    place_xy: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    place_kind: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    place_kinds: list[str] = field(default_factory=list)
    # level (ind.AREA_LEVELS) → each school's area code at that level, '' when unknown
    school_areas: dict[str, np.ndarray] = field(default_factory=dict)
    area_figures: dict[str, AreaFigures] = field(default_factory=dict)  # measure → figures

    def last_month(self) -> int | None:
        return int(self.incident_month.max()) if len(self.incident_month) else None

    def months_present(self) -> set[int]:
        return set(np.unique(self.incident_month).tolist())


@dataclass
class Value:
    """One indicator for every school in the list."""

    indicator: Indicator
    value: np.ndarray  # what is ranked
    scaled: np.ndarray | None  # 0-1 used in the score; None → from the percentile
    sentences: list[str]  # before the comparison with other schools
    compare: bool  # add "more than X% of primary schools in the area"
    display: list[str]
    # The same with counts of 1 to 4 given as "fewer than 5", for figures shared with partners.
    shared_sentences: list[str] | None = None
    shared_display: list[str] | None = None


@dataclass
class TargetList:
    school_index: np.ndarray  # index into Evidence's schools
    score: np.ndarray
    rank: np.ndarray
    decile: np.ndarray
    contributions: list[list[dict]]  # per school, one dict per indicator, biggest first
    values: dict[str, np.ndarray]  # indicator name → value per school (for back-tests)
    percentiles: dict[str, np.ndarray]


def _km(metres: float) -> str:
    km = metres / 1000
    return f"{km:g} km" if km >= 1 else f"{metres:g} m"


def _plural(n: float, word: str) -> str:
    """'3 hotels', '1 hotel'; the first word carries the plural ('1 place where … may be')."""
    if round(n) != 1:
        return f"{n:,.0f} {word}"
    first, _, rest = word.partition(" ")
    return " ".join(filter(None, ["1", first.removesuffix("s"), rest]))


def _comparison(percentile: float, group: str) -> str:
    if percentile >= 99.95:
        return f"more than any other {group} school in the area"
    if percentile < 0.5:
        return f"no more than any other {group} school in the area"
    return f"more than {percentile:.0f}% of {group} schools in the area"


def _kind_plural(kind: str) -> str:
    """'Children's home' → "children's homes"; 'B&B' → "B&Bs"; accommodation has no plural."""
    name = kind if any(ch.isupper() for ch in kind[1:]) else kind.lower()
    return name if name.endswith("accommodation") else name + "s"


def _count(n: float, word: str, shared: bool) -> str:
    if shared and is_small(n):
        return f"{FEWER_THAN_SMALL} {word}"
    return _plural(n, word)


def _rate(v: float) -> str:
    """Two significant figures, never in exponent form: 2.1, 0.34, 12, 1,234."""
    if v >= 10:
        return f"{v:,.0f}"
    return f"{v:.2g}" if v >= 0.01 or v == 0 else "less than 0.01"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Matrix:
    def __init__(self, evidence: Evidence, *, until: int | None = None, seed: int = 0,
                 permutations: int = 99, hot_spot_cell: float = 500.0):
        self.evidence = evidence
        self.until = until if until is not None else evidence.last_month()
        self.seed = seed
        self.permutations = permutations
        self.hot_spot_cell = hot_spot_cell
        self._counts: dict = {}
        self._catchments: dict = {}
        self._hot: dict = {}
        self._places: dict = {}

    # -- shared passes -------------------------------------------------------------------
    def radius(self, profile: Profile) -> np.ndarray:
        groups = self.evidence.school_phase_group
        return np.array([profile.radius_m[g] for g in groups], float)

    def counts(self, profile: Profile, *, until: int | None = None,
               window: int | None = None) -> ind.IncidentCounts:
        until = self.until if until is None else until
        window = profile.window_months if window is None else window
        key = (tuple(sorted(profile.radius_m.items())), until, window, profile.distance_decay,
               profile.half_life_months)
        if key not in self._counts:
            e = self.evidence
            self._counts[key] = ind.incident_counts(
                e.school_xy, self.radius(profile), e.incident_xy, e.incident_month,
                e.incident_category, len(e.categories), until=until if until is not None else 0,
                window=window, distance_decay=profile.distance_decay,
                half_life=profile.half_life_months)
        return self._counts[key]

    def category_columns(self, names) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.evidence.categories) if c in set(names)], int)

    def catchment(self, profile: Profile, measure: str, scope: str) -> np.ndarray:
        values, _ = self.evidence.lsoa_deprivation.get(measure, (None, ""))
        if values is None:
            return np.full(len(self.evidence.school_xy), np.nan)
        if scope == "lsoa":
            return ind.area_value(self.evidence.school_lsoa, values)
        key = (tuple(sorted(profile.radius_m.items())), measure)
        if key not in self._catchments:
            e = self.evidence
            # Population-weighted; every area counts the same where populations are unknown.
            weight = np.where(np.isnan(e.lsoa_population), 1.0, e.lsoa_population)
            self._catchments[key] = ind.catchment_mean(e.school_xy, self.radius(profile),
                                                       e.lsoa_xy, values, weight, e.school_lsoa)
        return self._catchments[key]

    def hot_spot(self, profile: Profile, categories) -> np.ndarray:
        key = (tuple(sorted(categories)), profile.window_months)
        if key not in self._hot:
            e = self.evidence
            start = self.until - profile.window_months + 1
            chosen = (np.isin(e.incident_category, self.category_columns(categories))
                      & (e.incident_month >= start) & (e.incident_month <= self.until))
            if not chosen.any() or len(e.school_xy) == 0:
                self._hot[key] = np.zeros(len(e.school_xy), bool)
            else:
                grid = hotspots.hot_spots(e.incident_xy[chosen], extent_xy=e.school_xy,
                                          cell=self.hot_spot_cell,
                                          permutations=self.permutations, seed=self.seed)
                self._hot[key] = grid.in_or_beside(e.school_xy)
        return self._hot[key]

    def places(self, profile: Profile) -> np.ndarray:
        key = tuple(sorted(profile.radius_m.items()))
        if key not in self._places:
            e = self.evidence
            self._places[key] = ind.places_within(e.school_xy, self.radius(profile), e.place_xy,
                                                  e.place_kind, len(e.place_kinds))
        return self._places[key]

    # -- one indicator -------------------------------------------------------------------
    def value(self, profile: Profile, indicator: Indicator) -> Value:
        e = self.evidence
        n = len(e.school_xy)
        radius = self.radius(profile)
        window = profile.window_months
        label = indicator.label
        if indicator.kind == "deprivation":
            values = self.catchment(profile, indicator.measure, indicator.scope)
            basis = e.lsoa_deprivation.get(indicator.measure, (None, ""))[1]
            name = MEASURE_NAMES[indicator.measure]
            where = ("The school's neighbourhood (LSOA)" if indicator.scope == "lsoa" else
                     "The school's catchment (neighbourhoods within {r})")
            sentences, display = [], []
            for i, v in enumerate(values):
                place = where.format(r=_km(radius[i]))
                if np.isnan(v):
                    sentences.append(f"{place}: {name} not published")
                    display.append("not published")
                elif basis == "score":
                    sentences.append(f"{place} has an {name} score of {v:.3g}")
                    display.append(f"{v:.3g}")
                else:
                    sentences.append(f"{place} is on average more deprived on {name} than "
                                     f"{v:.0f}% of neighbourhoods in England")
                    display.append(f"more deprived than {v:.0f}% of England")
            return Value(indicator, values, None, sentences, True, display)
        if indicator.kind == "fsm":
            values = e.school_fsm.astype(float)
            sentences = [f"{v:.1f}% of pupils are eligible for free school meals"
                         if not np.isnan(v) else "Free school meals: not published"
                         for v in values]
            display = [f"{v:.1f}%" if not np.isnan(v) else "not published" for v in values]
            return Value(indicator, values, None, sentences, True, display)
        if indicator.kind == "incidents":
            counts = self.counts(profile)
            cols = self.category_columns(indicator.categories)
            total = counts.total[:, cols].sum(axis=1)
            weighted = counts.weighted[:, cols].sum(axis=1)
            how = ""
            if profile.distance_decay or profile.half_life_months:
                how = " (nearer and more recent ones count more)"
            sentences, shared = (
                [_cap(f"{_count(t, label, hide)} within {_km(r)} in the last {window} months{how}")
                 for t, r in zip(total, radius)] for hide in (False, True))
            return Value(indicator, weighted, None, sentences, True, [shared_count(t, False) for t in total],
                         shared, [shared_count(t, True) for t in total])
        if indicator.kind == "trend":
            counts = self.counts(profile)
            cols = self.category_columns(indicator.categories)
            recent = counts.recent[:, cols].sum(axis=1)
            earlier = counts.earlier[:, cols].sum(axis=1)
            half = window - window // 2
            # A half with months missing from the data (police.uk gaps) is scaled up to a
            # full half, so a gap does not read as a fall.
            start = self.until - window + 1
            present = e.months_present()
            have_earlier = sum(m in present for m in range(start, start + window // 2))
            have_recent = sum(m in present for m in range(start + window // 2, self.until + 1))
            scale_recent = half / have_recent if have_recent else 1.0
            scale_earlier = (window // 2) / have_earlier if have_earlier else 1.0
            ratio = ind.shrunk_trend(recent * scale_recent, earlier * scale_earlier,
                                     profile.trend_prior)
            gaps = ("" if have_recent == half and have_earlier == window // 2 else
                    " (scaled for months without data)")
            sentences, shared = [], []
            for r_, e_, q, rad in zip(recent, earlier, ratio, radius):
                change = (f"up {100 * (q - 1):.0f}%" if q >= 1.005 else
                          f"down {100 * (1 - q):.0f}%" if q <= 0.995 else "no change")
                for hide, out in ((False, sentences), (True, shared)):
                    out.append(f"{label} within {_km(rad)}: {shared_count(r_, hide)} in the last {half} "
                               f"months against {shared_count(e_, hide)} in the {window // 2} before, "
                               f"{change} once small numbers are allowed for{gaps}")
            return Value(indicator, ratio, None, sentences, True, [f"{q:.2f}×" for q in ratio],
                         shared)
        if indicator.kind == "hotspot":
            hot = self.hot_spot(profile, indicator.categories)
            sentences = [(f"In or beside a significant hot spot of {label}" if h else
                          f"Not in or beside a significant hot spot of {label}")
                         + f" in the last {window} months (Getis-Ord Gi*, 5% false discovery rate)"
                         for h in hot]
            return Value(indicator, hot.astype(float), hot.astype(float), sentences, False,
                         ["yes" if h else "no" for h in hot])
        if indicator.kind == "places":
            table = self.places(profile)
            cols = np.array([k for k, name in enumerate(e.place_kinds)
                             if name.lower() in {x.lower() for x in indicator.kinds}], int)
            chosen = table[:, cols] if len(cols) else np.zeros((n, 0))
            values = chosen.sum(axis=1)
            sentences, shared = [], []
            for i, total in enumerate(values):
                for hide, out in ((False, sentences), (True, shared)):
                    parts = [_count(chosen[i, c], _kind_plural(e.place_kinds[k]), hide)
                             for c, k in enumerate(cols) if chosen[i, c]]
                    detail = f" ({', '.join(parts)})" if parts else ""
                    out.append(_cap(f"{_count(total, label, hide)} within {_km(radius[i])}{detail}"))
            return Value(indicator, values, None, sentences, True, [shared_count(v, False) for v in values],
                         shared, [shared_count(v, True) for v in values])
        if indicator.kind == "area_rate":
            return self._area_rate(indicator)
        if indicator.kind == "need":
            tier = e.school_need_tier.astype(float)
            sentences = [f"The school assesses its pupils' need as {TIER_NAMES[int(t)]}"
                         if not np.isnan(t) else "No assessment of need recorded by the school"
                         for t in tier]
            display = [TIER_NAMES[int(t)] if not np.isnan(t) else "not recorded" for t in tier]
            return Value(indicator, tier, (tier - 1) / 2, sentences, False, display)
        raise ValueError(f"unknown indicator kind {indicator.kind}")

    def _area_rate(self, indicator: Indicator) -> Value:
        """A figure published per area, from the school's finest area that has one. Rates per
        head are ranked where the measure has any; otherwise counts a year."""
        e = self.evidence
        n = len(e.school_xy)
        label = _cap(indicator.label or indicator.measure)
        figures = e.area_figures.get(indicator.measure)
        has_rates = figures is not None and not np.isnan(figures.rate_per_1000).all()
        if figures is None:
            values, level = np.full(n, np.nan), np.full(n, -1)
        else:
            values, level = ind.attach_by_area(
                e.school_areas, figures.codes,
                figures.rate_per_1000 if has_rates else figures.count)
        sentences, shared, display, shared_display = [], [], [], []
        for v, k in zip(values, level):
            if np.isnan(v):
                text = f"{label} in the school's area: no figure loaded for its area"
                sentences.append(text)
                shared.append(text)
                display.append("not published")
                shared_display.append("not published")
                continue
            where = f" ({AREA_LEVEL_NAMES[ind.AREA_LEVELS[k]]})"
            if has_rates:
                # A rate is not a count of incidents: nothing to suppress.
                text = f"{label} in the school's area: {_rate(v)} a year per 1,000 people"
                sentences.append(text)
                shared.append(text)
                display.append(f"{_rate(v)} per 1,000 a year{where}")
                shared_display.append(display[-1])
            else:
                for hide, out, shown in ((False, sentences, display), (True, shared, shared_display)):
                    figure = FEWER_THAN_SMALL if hide and is_small(v) else f"{v:,.1f}"
                    out.append(f"{label} in the school's area: {figure} a year")
                    shown.append(f"{figure} a year{where}")
        return Value(indicator, values, None, sentences, True, display, shared, shared_display)

    # -- a programme's list --------------------------------------------------------------
    def target_list(self, profile: Profile, within: np.ndarray | None = None) -> TargetList:
        """The programme's list over the schools of its phases (and `within`, a mask of
        schools: the chosen area, whose schools percentiles compare a school with)."""
        e = self.evidence
        member = np.isin(e.school_phase_group, profile.phases)
        if within is not None:
            member &= within
        chosen = np.flatnonzero(member)
        groups = e.school_phase_group[chosen]
        values = [self.value(profile, indicator) for indicator in profile.indicators]
        scaled = np.empty((len(chosen), len(values)))
        percentiles = {}
        for k, v in enumerate(values):
            pct = percentile_within(v.value[chosen], groups)
            percentiles[v.indicator.name] = pct
            scaled[:, k] = pct / 100 if v.scaled is None else v.scaled[chosen]
        weights = np.array([v.indicator.weight for v in values])
        score, points = weighted_score(scaled, weights)
        rank, decile = rank_and_decile(score)
        contributions = []
        for row, school in enumerate(chosen):
            items = []
            for k, v in enumerate(values):
                pct = percentiles[v.indicator.name][row]
                sentence = v.sentences[school]
                shared = (v.shared_sentences or v.sentences)[school]
                if v.compare and not np.isnan(pct):
                    sentence += ", " + _comparison(pct, groups[row])
                    shared += ", " + _comparison(pct, groups[row])
                items.append({
                    "name": v.indicator.name, "kind": v.indicator.kind,
                    "label": v.indicator.label or v.indicator.kind,
                    "value": None if np.isnan(v.value[school]) else round(float(v.value[school]), 4),
                    "display": v.display[school],
                    "percentile": None if np.isnan(pct) else round(float(pct), 1),
                    "weight": v.indicator.weight,
                    "points": round(float(points[row, k]), 2),
                    "reason": sentence,
                    "reason_shared": shared,
                    "display_shared": (v.shared_display or v.display)[school],
                })
            items.sort(key=lambda item: -item["points"])
            contributions.append(items)
        return TargetList(chosen, score, rank, decile, contributions,
                          {v.indicator.name: v.value[chosen] for v in values}, percentiles)
