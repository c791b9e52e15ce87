"""Build a programme's target list from arrays: indicators, percentiles, need, risk, score,
rank, reasons.

`Evidence` holds everything as arrays in British National Grid metres; `Matrix` computes the
indicators each profile asks for, sharing the expensive passes (incident counts per month,
catchments, hot spots) between programmes that ask for the same thing.

Need (about the children) and risk (about what happens around the school) are each a weighted
mean of their indicators' percentiles; the score is the two mixed as the profile says. An
indicator with no data anywhere near the list's schools is left out of the list, and named.
"""

import re
from dataclasses import dataclass, field

import numpy as np

from safereach.core.small_counts import FEWER_THAN_SMALL, is_small, shared_count
from safereach.matrix import forecast as fc
from safereach.matrix import hotspots
from safereach.matrix import indicators as ind
from safereach.matrix.profiles import INCIDENT_KINDS, Indicator, Profile
from safereach.matrix.scoring import percentile_within, rank_and_decile, weighted_score

MEASURE_NAMES = {"imd": "IMD", "idaci": "IDACI (income deprivation affecting children)",
                 "crime": "crime domain"}
# What an indicator is called when its profile gives no label.
KIND_LABELS = {"fsm": "free school meals", "need": "the school's own assessment of need",
               "hotspot": "hot spot", "places": "places nearby", "forecast": "incidents expected",
               "classification": "area classification", "area_rate": "figures per area"}
# The list compares the forecast across every school on it, so that a list ranked by the
# forecast alone follows the forecast itself.
LIST_WIDE = ("forecast",)
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
    # Share of each LSOA's output areas in each group of the 2011 Output Area Classification
    # (m × groups, NaN rows where no classification is loaded).
    lsoa_groups: np.ndarray | None = None
    group_names: list[str] = field(default_factory=list)

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
    # Per school, the named contributions of a forecast: [{"name", "incidents", "text"}].
    parts: list[list[dict]] | None = None
    shared_parts: list[list[dict]] | None = None
    # Why the indicator is left out of every school's score: no data near any of them.
    left_out: str | None = None


@dataclass
class TargetList:
    school_index: np.ndarray  # index into Evidence's schools
    score: np.ndarray
    rank: np.ndarray
    decile: np.ndarray
    contributions: list[list[dict]]  # per school, one dict per indicator, biggest first
    values: dict[str, np.ndarray]  # indicator name → value per school (for back-tests)
    percentiles: dict[str, np.ndarray]
    need: np.ndarray | None = None  # 0-100, NaN where no need indicator has a figure
    risk: np.ndarray | None = None  # 0-100, NaN where no risk indicator has a figure
    expected: np.ndarray | None = None  # the forecast's expected incidents, NaN without one
    left_out: list[dict] = field(default_factory=list)  # {"name", "label", "why"}
    forecast: "fc.Forecast | None" = None


def _km(metres: float) -> str:
    km = metres / 1000
    return f"{km:g} km" if km >= 1 else f"{metres:g} m"


def _singular(word: str) -> str:
    """The singular of a plural noun as the matrix's labels use them: 'crimes' → 'crime',
    'places' → 'place', "children's homes" → "children's home", 'B&Bs' → 'B&B'."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "'s")):
        return word[:-1]
    return word


RELATIVE_WORDS = ("where", "that", "which", "who", "within", "near", "in", "of")


def _one(word: str) -> str:
    """A plural label as one of its kind: 'accidental dwelling fires' → 'accidental dwelling
    fire'; 'places where … may be' → 'place where … may be'; a list of kinds reads as one or
    another: 'criminal damage and arson crimes and deliberate fires' → 'criminal damage and
    arson crime or deliberate fire', 'drugs and weapons crimes' → 'drugs or weapons crime'."""
    words = word.split(" ")
    # A noun followed by a relative word ('places where …'): that noun is the one.
    for k, w in enumerate(words[:-1]):
        if words[k + 1] in RELATIVE_WORDS:
            words[k] = _singular(w)
            return " ".join(words)
    # The label's kinds, split at commas and 'and'; a kind of several words that is not a
    # plural ('criminal damage') belongs with the next ('… and arson crimes').
    pieces = [p for p in re.split(r"(, | and )", word) if p]
    kinds: list[str] = []
    joining = ""
    for k in range(0, len(pieces), 2):
        kind = joining + pieces[k]
        separator = pieces[k + 1] if k + 1 < len(pieces) else ""
        if " " in pieces[k] and not pieces[k].endswith("s") and separator:
            joining = kind + separator
            continue
        joining = ""
        kinds.append(kind)
    # A kind of several words is a noun with its description: its last word is the noun. A
    # single word before others ('weapons, robbery and violence crimes') describes the last noun.
    ones = [_singular_last(k) if " " in k or len(kinds) == 1 else k for k in kinds]
    if len(ones) == 1:
        return ones[0]
    return ", ".join(ones[:-1]) + " or " + ones[-1]


def _singular_last(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    return f"{head} {_singular(last)}".strip()


def _plural(n: float, word: str) -> str:
    """'3 hotels', '1 hotel', '1 criminal damage and arson crime or deliberate fire'."""
    if round(n) != 1:
        return f"{n:,.0f} {word}"
    return "1 " + _one(word)


def _comparison(percentile: float, group: str) -> str:
    """'more than 91% of secondary schools in the area'; never 'more than 100%'."""
    if percentile >= 99.95:
        return f"more than any other {group} school in the area"
    if percentile < 0.5:
        return f"no more than any other {group} school in the area"
    if percentile < 1:
        return f"among the lowest of the {group} schools in the area"
    return f"more than {min(int(percentile), 99)}% of {group} schools in the area"


def _list_comparison(percentile: float) -> str:
    if percentile >= 99.95:
        return "more than any other school on this list"
    if percentile < 0.5:
        return "no more than any other school on this list"
    if percentile < 1:
        return "among the lowest on this list"
    return f"more than {min(int(percentile), 99)}% of schools on this list"


def _place_name(kind: str) -> str:
    """A kind of place as written in a sentence: "children's home", 'bus station', 'B&B'.
    Importers store kinds in lower case; a short name with '&' is said as capitals."""
    if any(ch.isupper() for ch in kind[1:]):
        return kind
    return " ".join(w.upper() if "&" in w else w for w in kind.lower().split(" "))


def _kind_plural(kind: str) -> str:
    """'Children's home' → "children's homes"; 'B&B' → "B&Bs"; 'Bus station' → 'bus
    stations'; 'metro or tram station' → 'metro or tram stations'; accommodation has no plural."""
    name = _place_name(kind)
    if name.endswith("accommodation"):
        return name
    if name.endswith(("ch", "sh", "ss", "x")):
        return name + "es"
    return name + "s"


def _kind_count(n: float, kind: str, shared: bool) -> str:
    """'2 bus stations', '1 bus station', "1 children's home"."""
    if shared and is_small(n):
        return f"{FEWER_THAN_SMALL} {_kind_plural(kind)}"
    if round(n) == 1:
        return f"1 {_place_name(kind)}"
    return f"{n:,.0f} {_kind_plural(kind)}"


def _count(n: float, word: str, shared: bool) -> str:
    if shared and is_small(n):
        return f"{FEWER_THAN_SMALL} {word}"
    return _plural(n, word)


def _article(word: str) -> str:
    """'an IMD', 'an IDACI', 'a crime domain': by how the word is said."""
    first = word.split(" ")[0]
    vowel_sound = first[:1].lower() in "aeio" or (first.isupper() and first[:1] in "AEFHILMNORSX")
    return f"{'an' if vowel_sound else 'a'} {word}"


def _about(x: float) -> str:
    """An expected count as a person says it: 'about 14', 'about 2.5', 'less than 1'."""
    if x < 0.05:
        return "almost none"
    if x < 1:
        return "less than 1"
    if x < 10:
        return f"about {x:.1f}".removesuffix(".0")
    return f"about {x:,.0f}"


def _amount(x: float) -> str:
    """A part of an expected count: '8', '2.5', 'under 0.1'."""
    if x < 0.05:
        return "under 0.1"
    if x < 10:
        return f"{x:.1f}".removesuffix(".0")
    return f"{x:,.0f}"


def _months(n: int) -> str:
    """'month' or '3 months', after 'the next' or 'the last'."""
    return "month" if n == 1 else f"{n} months"


def _month_count(n: int) -> str:
    """'1 month', '4 months'."""
    return f"{n} month{'' if n == 1 else 's'}"


def _rate(v: float) -> str:
    """Two significant figures, never in exponent form: 2.1, 0.34, 12, 1,234."""
    if v >= 10:
        return f"{v:,.0f}"
    return f"{v:.2g}" if v >= 0.01 or v == 0 else "less than 0.01"


def indicator_label(indicator: Indicator) -> str:
    """What an indicator is called: its profile's label, or its measure's or kind's name."""
    if indicator.label:
        return indicator.label
    if indicator.kind == "deprivation":
        return MEASURE_NAMES.get(indicator.measure, indicator.measure)
    if indicator.kind == "area_rate":
        return indicator.measure
    return KIND_LABELS.get(indicator.kind, indicator.kind)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Matrix:
    """The indicators and lists of every profile, from the evidence up to month `until`.

    `monthly` may be shared between matrices built on the same evidence cut at different
    months (a rolling back-test): counts per month do not depend on the cut, and the forecast
    only reads the months up to its own `until`."""

    def __init__(self, evidence: Evidence, *, until: int | None = None, seed: int = 0,
                 permutations: int = 99, hot_spot_cell: float = 500.0,
                 monthly: dict | None = None):
        self.evidence = evidence
        self.until = until if until is not None else evidence.last_month()
        self.seed = seed
        self.permutations = permutations
        self.hot_spot_cell = hot_spot_cell
        self._counts: dict = {}
        self._catchments: dict = {}
        self._hot: dict = {}
        self._places: dict = {}
        self._monthly: dict = monthly if monthly is not None else {}
        self._forecasts: dict = {}
        self._present = evidence.months_present()

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

    def monthly(self, profile: Profile, categories) -> fc.MonthlyCounts:
        """Incidents of `categories` within each school's radius, per month, for the schools of
        the profile's phases (rows of the other schools are left at 0 and never read)."""
        key = (tuple(sorted(profile.radius_m.items())), tuple(sorted(categories)),
               tuple(sorted(profile.phases)))
        if key not in self._monthly:
            e = self.evidence
            chosen = np.isin(e.incident_category, self.category_columns(categories))
            member = np.flatnonzero(np.isin(e.school_phase_group, profile.phases))
            counted = fc.monthly_counts(e.school_xy[member], self.radius(profile)[member],
                                        e.incident_xy[chosen], e.incident_month[chosen], self._present)
            counts = np.zeros((len(e.school_xy), counted.counts.shape[1]))
            counts[member] = counted.counts
            self._monthly[key] = fc.MonthlyCounts(counts, counted.months, counted.present)
        return self._monthly[key]

    def months_with_data(self, window: int, until: int | None = None) -> int:
        until = self.until if until is None else until
        return sum(m in self._present for m in range(until - window + 1, until + 1))

    def prior(self, profile: Profile) -> fc.Prior:
        """People within each school's radius (thousands), how deprived they are (IMD of the
        catchment, 0-1) and, where loaded, their share in each area classification group."""
        e = self.evidence
        people = ind.catchment_total(e.school_xy, self.radius(profile), e.lsoa_xy,
                                     e.lsoa_population, e.school_lsoa) / 1000
        if np.isnan(e.lsoa_population).all():
            people = np.full(len(e.school_xy), np.nan)
        groups = None
        if e.lsoa_groups is not None and np.isfinite(e.lsoa_groups).any():
            groups = self.group_shares(profile)
        return fc.Prior(people, self.catchment(profile, "imd", "catchment") / 100,
                        "IMD", groups, list(e.group_names))

    def group_shares(self, profile: Profile) -> np.ndarray:
        """Share of the catchment's residents in each area classification group."""
        key = ("groups", tuple(sorted(profile.radius_m.items())))
        if key not in self._catchments:
            e = self.evidence
            weight = np.where(np.isnan(e.lsoa_population), 1.0, e.lsoa_population)
            self._catchments[key] = np.column_stack([
                ind.catchment_mean(e.school_xy, self.radius(profile), e.lsoa_xy, e.lsoa_groups[:, g],
                                   weight, e.school_lsoa)
                for g in range(e.lsoa_groups.shape[1])])
        return self._catchments[key]

    def forecast(self, profile: Profile, categories, *, horizon: int | None = None,
                 groups: bool = False) -> tuple[fc.Forecast, np.ndarray]:
        """The forecast for the schools of the profile's phases, fitted on them: (forecast,
        their indices into the evidence's schools)."""
        horizon = profile.horizon_months if horizon is None else horizon
        key = (tuple(sorted(profile.radius_m.items())), tuple(sorted(categories)),
               tuple(profile.phases), horizon, groups, self.until)
        if key not in self._forecasts:
            member = np.flatnonzero(np.isin(self.evidence.school_phase_group, profile.phases))
            monthly = self.monthly(profile, categories)
            mine = fc.MonthlyCounts(monthly.counts[member], monthly.months, monthly.present)
            prior = self.prior(profile)
            prior = fc.Prior(prior.people[member], prior.deprivation[member], prior.deprivation_name,
                             None if prior.groups is None else prior.groups[member], prior.group_names)
            self._forecasts[key] = (fc.forecast(mine, self.until, horizon, prior, groups=groups), member)
        return self._forecasts[key]

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
        label = indicator_label(indicator)
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
                    sentences.append(f"{place} has {_article(name)} score of {v:.3g}")
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
            # Months missing from the data are not months without incidents: the ranking
            # uses the count scaled to the whole window; the sentence says what was counted.
            have = self.months_with_data(window)
            if have == 0:
                return Value(indicator, np.full(n, np.nan), None, [""] * n, True, [""] * n,
                             left_out=f"no data for the last {window} months")
            scaled = ""
            if have < window:
                weighted = weighted * window / have
                scaled = f" (the {_month_count(have)} with data; {_month_count(window - have)} missing)"
            sentences, shared = (
                [_cap(f"{_count(t, label, hide)} within {_km(r)} in the last {window} months"
                      f"{how}{scaled}")
                 for t, r in zip(total, radius)] for hide in (False, True))
            return Value(indicator, weighted, None, sentences, True, [shared_count(t, False) for t in total],
                         shared, [shared_count(t, True) for t in total])
        if indicator.kind == "forecast":
            return self._forecast(profile, indicator)
        if indicator.kind == "classification":
            return self._classification(profile, indicator)
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
            if not have_recent or not have_earlier:
                # A half with no month of data says nothing of a rise or a fall.
                which = "earlier" if not have_earlier else "recent"
                return Value(indicator, np.full(n, np.nan), None, [""] * n, True, [""] * n,
                             left_out=f"no data for the {which} {window // 2 if which == 'earlier' else half}"
                                      " months of its window")
            scale_recent = half / have_recent
            scale_earlier = (window // 2) / have_earlier
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
                    parts = [_kind_count(chosen[i, c], e.place_kinds[k], hide)
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

    def _forecast(self, profile: Profile, indicator: Indicator) -> Value:
        """Expected incidents over the profile's horizon, with each school's contributions."""
        e = self.evidence
        n = len(e.school_xy)
        forecast, member = self.forecast(profile, indicator.categories)
        label = indicator.label or "incidents"
        horizon = forecast.horizon
        radius = self.radius(profile)
        values = np.full(n, np.nan)
        values[member] = forecast.expected
        sentences, shared = [""] * n, [""] * n
        parts: list[list[dict]] = [[] for _ in range(n)]
        shared_parts: list[list[dict]] = [[] for _ in range(n)]
        display = [""] * n
        history = {w: forecast_window(self, profile, indicator.categories, w) for w in fc.WINDOWS}
        prior = self.prior(profile)
        # Windows that reach back over the same months with data (nested windows across a gap
        # in the data) are one part: the shortest names it. The months are the same for every
        # school, so the parts are merged once, as columns.
        names: list[str] = []
        merge = np.zeros((len(forecast.terms.names), 0))
        same_as: dict[int, int] = {}
        for k, name in enumerate(forecast.terms.names):
            column = None
            if name.startswith("last_"):
                months = history[int(name.removeprefix("last_"))][1]
                column = same_as.get(months)
                if column is None:
                    same_as[months] = len(names)
            if column is None:
                column = len(names)
                names.append(name)
                merge = np.column_stack([merge, np.zeros(len(forecast.terms.names))])
            merge[k, column] = 1.0
        amounts = np.round(np.einsum("ij,jk->ik", forecast.contributions, merge), 2)
        order = np.argsort(-amounts, axis=1, kind="stable")
        small = {w: is_small_array(count) for w, (count, _) in history.items()}
        for row, school in enumerate(member):
            expected = forecast.expected[row]
            about = _about(expected)
            head = (f"{_cap(about)} {_one(label) if about.endswith(' 1') else label} expected "
                    f"within {_km(radius[school])} in the next {_months(horizon)}")
            sentences[school] = shared[school] = head
            display[school] = f"{_about(expected)} in {_months(horizon)}"
            items, hidden = [], []
            mine = amounts[row].tolist()  # Python floats format faster than numpy's
            for k in order[row].tolist():
                amount = mine[k]
                if amount < 0.05:
                    break
                name = names[k]
                text = _term_text(name, amount, school, history, prior, radius, False)
                items.append({"name": name, "incidents": float(amount), "text": text})
                # Only a count of 1 to 4 reads differently for partners.
                window = int(name.removeprefix("last_")) if name.startswith("last_") else None
                if window is not None and small[window][school]:
                    text = _term_text(name, amount, school, history, prior, radius, True)
                hidden.append({"name": name, "incidents": float(amount), "text": text})
            parts[school], shared_parts[school] = items, hidden
        return Value(indicator, values, None, sentences, True, display, shared, display,
                     parts=parts, shared_parts=shared_parts)

    def _classification(self, profile: Profile, indicator: Indicator) -> Value:
        """Share of the catchment's residents in the chosen area classification groups."""
        e = self.evidence
        n = len(e.school_xy)
        if e.lsoa_groups is None or not np.isfinite(e.lsoa_groups).any():
            return Value(indicator, np.full(n, np.nan), None, [""] * n, True, [""] * n)
        shares = self.group_shares(profile)
        wanted = [k for k, name in enumerate(e.group_names)
                  if name.lower() in {g.lower() for g in indicator.groups}]
        values = shares[:, wanted].sum(axis=1) * 100
        names = " or ".join(f"‘{e.group_names[k]}’" for k in wanted)
        radius = self.radius(profile)
        sentences = [f"{v:.0f}% of the people living within {_km(r)} are in {names} "
                     "neighbourhoods (2011 Output Area Classification)" if not np.isnan(v) else
                     "Area classification: not loaded for the school's area"
                     for v, r in zip(values, radius)]
        display = [f"{v:.0f}%" if not np.isnan(v) else "not loaded" for v in values]
        return Value(indicator, values, None, sentences, True, display)

    def left_out(self, profile: Profile, value: Value, chosen: np.ndarray) -> str | None:
        """Why an indicator is left out of every school of the list, or None: no data near
        any of them (never a reason given for a school)."""
        if value.left_out:
            return value.left_out
        indicator = value.indicator
        if indicator.kind in INCIDENT_KINDS:
            monthly = self.monthly(profile, indicator.categories)
            loaded = monthly.months <= (self.until if self.until is not None else -1)
            if monthly.counts[chosen][:, loaded].sum() == 0:
                label = indicator.label or ", ".join(indicator.categories).lower()
                return f"no {label} data is loaded near these schools"
            return None
        if indicator.kind == "places":
            if value.value[chosen].sum() == 0:
                return "no places of these kinds are loaded near these schools"
            return None
        if np.isnan(value.value[chosen]).all():
            return {
                "deprivation": f"no {MEASURE_NAMES.get(indicator.measure, indicator.measure)} "
                               "figures are loaded for these schools' areas",
                "fsm": "no free school meals figures are loaded for these schools",
                "need": "none of these schools has recorded its own assessment of need",
                "area_rate": f"no {indicator.measure} figures are loaded for these schools' areas",
                "classification": "no area classification is loaded for these schools' areas",
            }.get(indicator.kind, "no data is loaded for these schools")
        return None

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
        everyone = np.array(["list"] * len(chosen))
        values = [self.value(profile, indicator) for indicator in profile.indicators]
        left_out = []
        for v in values:
            why = self.left_out(profile, v, chosen)
            if why:
                left_out.append({"name": v.indicator.name, "why": why,
                                 "label": indicator_label(v.indicator)})
        gone = {item["name"] for item in left_out}
        kept = [v for v in values if v.indicator.name not in gone]
        scaled = np.empty((len(chosen), len(kept)))
        percentiles = {}
        for k, v in enumerate(kept):
            wide = v.indicator.kind in LIST_WIDE
            pct = percentile_within(v.value[chosen], everyone if wide else groups)
            percentiles[v.indicator.name] = pct
            scaled[:, k] = pct / 100 if v.scaled is None else v.scaled[chosen]
        weights = np.array([v.indicator.weight for v in kept])
        side = np.array([v.indicator.side for v in kept])
        need, need_points = weighted_score(scaled, np.where(side == "need", weights, 0.0))
        risk, risk_points = weighted_score(scaled, np.where(side == "risk", weights, 0.0))
        has_need = (~np.isnan(scaled) & (side == "need") & (weights > 0)).any(axis=1)
        has_risk = (~np.isnan(scaled) & (side == "risk") & (weights > 0)).any(axis=1)
        # Need's share as the profile says; a school with one side unknown takes the other whole.
        share = np.where(has_need & has_risk, profile.share_of_need, np.where(has_need, 1.0, 0.0))
        score = share * need + (1 - share) * risk
        points = share[:, None] * need_points + (1 - share)[:, None] * risk_points
        rank, decile = rank_and_decile(score)
        # Rounded once as arrays: a national list has hundreds of thousands of these figures.
        rounded_values = [np.round(v.value[chosen].astype(float), 4).tolist() for v in kept]
        rounded_percentiles = [np.round(percentiles[v.indicator.name], 1).tolist() for v in kept]
        rounded_points = np.round(points, 2).tolist()
        labels = [indicator_label(v.indicator) for v in kept]
        contributions = []
        for row, school in enumerate(chosen):
            items = []
            for k, v in enumerate(kept):
                pct = rounded_percentiles[k][row]
                sentence = v.sentences[school]
                shared = (v.shared_sentences or v.sentences)[school]
                if v.compare and not np.isnan(pct):
                    compare = (_list_comparison(pct) if v.indicator.kind in LIST_WIDE
                               else _comparison(pct, groups[row]))
                    sentence += ", " + compare
                    shared += ", " + compare
                value = rounded_values[k][row]
                item = {
                    "name": v.indicator.name, "kind": v.indicator.kind,
                    "side": v.indicator.side,
                    "label": labels[k],
                    "value": None if value != value else value,  # NaN is not equal to itself
                    "display": v.display[school],
                    "percentile": None if pct != pct else rounded_percentiles[k][row],
                    "weight": v.indicator.weight,
                    "points": rounded_points[row][k],
                    "reason": sentence,
                    "reason_shared": shared,
                    "display_shared": (v.shared_display or v.display)[school],
                }
                if v.parts is not None:
                    item["parts"] = v.parts[school]
                    item["parts_shared"] = (v.shared_parts or v.parts)[school]
                    # The reason names the two biggest parts of the forecast, and what the
                    # others add, so the parts read add up to the total.
                    for key, many in (("reason", item["parts"]), ("reason_shared", item["parts_shared"])):
                        if many:
                            item[key] += ": " + "; ".join(p["text"] for p in many[:2])
                            rest = (item["value"] or 0.0) - sum(p["incidents"] for p in many[:2])
                            if len(many) > 2 and rest >= 0.05:
                                item[key] += f"; {_amount(rest)} from the rest of the forecast"
                items.append(item)
            items.sort(key=lambda item: -item["points"])
            contributions.append(items)
        forecast_values = [v for v in kept if v.indicator.kind == "forecast"]
        expected = forecast_values[0].value[chosen] if forecast_values else None
        found = (self.forecast(profile, forecast_values[0].indicator.categories)[0]
                 if forecast_values else None)
        return TargetList(chosen, score, rank, decile, contributions,
                          {v.indicator.name: v.value[chosen] for v in kept}, percentiles,
                          np.where(has_need, need, np.nan), np.where(has_risk, risk, np.nan),
                          expected, left_out, found)


def is_small_array(counts: np.ndarray) -> np.ndarray:
    """Which counts the small-number rule hides from partners (as `is_small`, for arrays)."""
    return np.array([is_small(c) for c in np.unique(counts)], bool)[
        np.searchsorted(np.unique(counts), counts)] if len(counts) else np.zeros(0, bool)


def forecast_window(matrix: Matrix, profile: Profile, categories, window: int):
    """(Count per school over the last `window` months with data, months with data)."""
    return matrix.monthly(profile, categories).window(matrix.until, window)


def _term_text(name: str, amount: float, school: int, history, prior: fc.Prior, radius,
               shared: bool) -> str:
    """One named contribution of a forecast, in words."""
    part = _amount(amount)
    if name == "baseline":
        return f"{part} that any school on the list may expect"
    if name.startswith("last_"):
        window = int(name.removeprefix("last_"))
        count, months = history[window]
        counted = shared_count(count[school], shared)
        if window == 1:
            return f"{part} from last month's {counted}"
        if months < window:
            return (f"{part} from the pace of the last {window} months ({counted} in the "
                    f"{_month_count(months)} of them with data)")
        return f"{part} from the pace of the last {window} months ({counted} in all)"
    people = prior.people[school] * 1000
    near = f"the {people:,.0f} people living within {_km(radius[school])}"
    if name == "people_deprivation":
        return f"{part} from {near}, weighted by how deprived their neighbourhoods are"
    if name == "people":
        return f"{part} from {near}"
    group = name.removeprefix("people_")
    return f"{part} from {near} in ‘{group}’ neighbourhoods"
