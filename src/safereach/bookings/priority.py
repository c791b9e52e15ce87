"""Which schools are targets for a programme: asked of the vulnerability matrix, never assumed.

A school is a target for a programme when it is in the top tenth of the programme's current
target list. A programme the matrix has not ranked yet (no profile, or no list built) has no
target, so bookings for it work the same for every school.
"""

from safereach.matrix.targets import top_decile_school_ids


def target_school_ids(programme_slug: str) -> set[int]:
    return top_decile_school_ids(programme_slug)


def priority_for(school, programme_slug: str) -> bool:
    """True when `school` is in the top decile of the matrix for `programme_slug`."""
    return school.pk in target_school_ids(programme_slug)
