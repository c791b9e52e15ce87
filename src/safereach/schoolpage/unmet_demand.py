"""Unmet demand: the topics and cohorts schools asked for that no session covers or that no
officer could reach, counted by area; and the mix of schools' tiers of need by area.

Plain computation on plain rows (`read_*` gather them from the database), so the rules can be
tested without one. A topic a school asked for is met when the school has a visit for it, or a
published session covers it and an officer can get there; otherwise it is unmet:

- no session covers it: no published session of that programme teaches the year group (for a
  group such as SEND, any of the school's year groups) at the school's tier of need;
- no officer could reach the school: sessions cover it, but no officer delivers any of them, or
  the school asked for one and its request waits in the coordinator's queue because no time
  an officer could reach fitted.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

NO_SESSION = "No session covers it"
NO_OFFICER = "No officer could reach the school"
ANY_YEAR = "Any year group"


@dataclass(frozen=True)
class Asked:
    """One school's statement of need, with what is known of the school."""

    school_id: int
    area: str
    topics: tuple[str, ...]
    year_groups: tuple[int, ...]
    cohorts: tuple[str, ...]
    tier: int | None
    years_taught: tuple[int, ...]
    pressing: bool = False


@dataclass(frozen=True)
class Offer:
    """A published session, as far as demand is concerned."""

    programme: str
    year_groups: frozenset[int]
    tiers: frozenset[int]
    needs_officer: bool
    has_officer: bool

    def serves(self, years, tier: int | None) -> bool:
        return bool(self.year_groups & set(years)) and (
            tier is None or not self.tiers or tier in self.tiers)


@dataclass(frozen=True)
class UnmetRow:
    area: str
    topic: str
    cohort: str
    reason: str
    schools: int
    pressing: int  # of those schools, how many said it was pressing


def why_unmet(offers: list[Offer], years, tier, waiting: bool) -> str | None:
    covering = [o for o in offers if o.serves(years, tier)]
    if not covering:
        return NO_SESSION
    if all(o.needs_officer and not o.has_officer for o in covering) or waiting:
        return NO_OFFICER
    return None


def unmet_demand(asked: list[Asked], offers: list[Offer], waiting: set[tuple[int, str]],
                 visited: set[tuple[int, str]], year_label: dict[int, str],
                 cohort_label: dict[str, str]) -> list[UnmetRow]:
    """Rows by area, topic, cohort and reason with the number of schools in each.

    `waiting`: (school id, programme) of requests waiting in the queue; `visited`: (school id,
    programme) with a live or delivered visit this school year."""
    by_programme: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_programme[offer.programme].append(offer)
    schools: dict[tuple, set[int]] = defaultdict(set)
    pressing: dict[tuple, set[int]] = defaultdict(set)
    for need in asked:
        for topic in need.topics:
            if (need.school_id, topic) in visited:
                continue
            candidates = by_programme.get(topic, [])
            is_waiting = (need.school_id, topic) in waiting
            cohorts = [(year_label.get(y, str(y)), (y,)) for y in need.year_groups]
            cohorts += [(cohort_label.get(c, c), need.year_groups or need.years_taught)
                        for c in need.cohorts]
            if not cohorts:
                cohorts = [(ANY_YEAR, need.years_taught)]
            for label, years in cohorts:
                reason = why_unmet(candidates, years, need.tier, is_waiting)
                if reason is None:
                    continue
                key = (need.area, topic, label, reason)
                schools[key].add(need.school_id)
                if need.pressing:
                    pressing[key].add(need.school_id)
    order = {label: i for i, label in enumerate([*year_label.values(), *cohort_label.values(), ANY_YEAR])}
    rows = [UnmetRow(*key, len(ids), len(pressing[key])) for key, ids in schools.items()]
    return sorted(rows, key=lambda r: (r.area, r.topic, order.get(r.cohort, len(order)), r.reason))


@dataclass(frozen=True)
class TierMix:
    area: str
    schools: int
    by_tier: dict[int, int]  # tier → schools
    not_assessed: int

    @property
    def assessed(self) -> int:
        return self.schools - self.not_assessed

    def share(self, tier: int) -> float | None:
        """The tier's share of the assessed schools (Dorset's 73/12/16 is over those)."""
        return self.by_tier.get(tier, 0) / self.assessed if self.assessed else None


def tier_mix(schools: list[tuple[str, int | None]]) -> list[TierMix]:
    """(area, tier or None) for each school → the mix in each area, then the whole."""
    per_area: dict[str, Counter] = defaultdict(Counter)
    for area, tier in schools:
        per_area[area][tier] += 1

    def mix(area: str, counts: Counter) -> TierMix:
        return TierMix(area, sum(counts.values()), {t: counts[t] for t in (1, 2, 3)}, counts[None])

    rows = [mix(area, counts) for area, counts in sorted(per_area.items())]
    if len(rows) > 1:
        rows.append(mix("All areas", sum(per_area.values(), Counter())))
    return rows
