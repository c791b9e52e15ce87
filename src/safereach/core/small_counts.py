"""Figures shown outside the agency that owns them: small counts are not given exactly.

DESIGN.md, "Partners own their data": shared figures suppress counts under 5. A count of 1 to 4
(incidents near one school, visits in one district) is small enough to point at people or at
one agency's plans; "fewer than 5" tells a partner enough to act on. Zero points at no one and
is shown as it is. The target lists and projected delivery both go through here, so the two
pages cannot drift apart on what is "small".
"""

from collections.abc import Collection, Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SMALL = 5
FEWER_THAN_SMALL = f"fewer than {SMALL}"
# Hidden only so that a suppressed count cannot be worked out from the total; it is often 5 or
# more, so calling it "fewer than 5" could be untrue.
NOT_SHOWN = "not shown"


def is_small(n: float) -> bool:
    """A count of 1 to 4 once rounded (some counts are weighted or yearly averages)."""
    return 0 < round(n) < SMALL


def shared_count(n: float, shared: bool) -> str:
    """`n` as text: "fewer than 5" for 1 to 4 when `shared`, otherwise the whole number."""
    return FEWER_THAN_SMALL if shared and is_small(n) else f"{n:,.0f}"


def shared_table(
    counts: Mapping[K, int], exact: Collection[K] = (), hidden: Collection[K] = ()
) -> dict[K, str]:
    """Each cell of a one-way table as text, for a table shown beside its total (which goes
    through `shared_count` with the same rule).

    Cells in `exact` are the viewer's own figures and are never suppressed for being small.
    Every other count of 1 to 4 is "fewer than 5". With only one such cell in the table, the
    total less the cells shown would give it away, so the next smallest non-zero cell is hidden
    too ("not shown"). That is secondary suppression, the usual practice for published tables;
    we prefer it to rounding the total because every figure that is shown stays exact.

    Cells in `hidden` are hidden for a reason outside this table (another figure of the same
    row was suppressed, say): they read "not shown" and count as suppressed cells here.
    """
    primary = {k for k, n in counts.items() if k not in exact and is_small(n)}
    forced = {k for k in hidden if k in counts and k not in primary and counts[k] > 0}
    text = {k: FEWER_THAN_SMALL if k in primary else f"{n:,}" for k, n in counts.items()}
    text.update(dict.fromkeys(forced, NOT_SHOWN))
    primary |= forced
    if len(primary) == 1:
        # Own cells are candidates too: hiding one of them is what stops the subtraction. When
        # there is no other non-zero cell, the suppressed one equals the total, which is small
        # and suppressed in its turn.
        others = [k for k, n in counts.items() if k not in primary and n > 0]
        if others:
            text[min(others, key=lambda k: counts[k])] = NOT_SHOWN
    return text


def enough_to_summarise(n: int) -> bool:
    """Whether an average or a share over `n` responses (schools' feedback, classes' scores) may
    be shown outside the agency that owns them: with fewer than 5, it could be one school's own
    answer, and saying "fewer than 5" is all that is shown."""
    return n >= SMALL
