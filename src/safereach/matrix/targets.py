"""What other apps ask of the matrix (bookings ask which schools a programme targets)."""

from safereach.matrix.models import Score


def current_scores(programme_slug: str, area=None):
    """The current list's scores: of every school loaded, or of one district's when `area`."""
    return Score.objects.filter(programme__slug=programme_slug, target_list__is_current=True,
                                target_list__area=area)


def top_decile_school_ids(programme_slug: str) -> set[int]:
    """Ids of the schools in the tenth most in need on the programme's current target list."""
    return set(current_scores(programme_slug).filter(decile=1).values_list("school_id", flat=True))
