"""Which schools are targets for a programme: asked of the vulnerability matrix, never assumed.

Interface expected of the matrix app (whichever it offers first is used; the matrix now
provides the first, in matrix/targets.py):

1. a function `safereach.matrix.targets.top_decile_school_ids(programme_slug) -> set[int]`
   giving the ids of schools in the top tenth of the matrix for that programme; or
2. a model `matrix.Score` with a `school` foreign key, a `programme` (a slug, or a foreign key
   to a model with a `slug`) and a `decile` from 1 to 10 where 1 is the tenth most in need.

Until the matrix has produced scores (no such function or model, no table yet, no rows for the
programme), no school is a target, so bookings work the same for everyone.
"""

import importlib

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction


def target_school_ids(programme_slug: str) -> set[int]:
    try:
        targets = importlib.import_module("safereach.matrix.targets")
    except ImportError:
        targets = None
    if targets is not None and hasattr(targets, "top_decile_school_ids"):
        try:
            with (
                transaction.atomic()
            ):  # a savepoint, so a missing table leaves the caller's transaction usable
                return set(targets.top_decile_school_ids(programme_slug))
        except DatabaseError:
            return set()
    try:
        score = apps.get_model("matrix", "Score")
    except LookupError:
        return set()
    try:
        programme = score._meta.get_field("programme")
        score._meta.get_field("decile")
    except FieldDoesNotExist:
        return set()
    lookup = "programme__slug" if programme.is_relation else "programme"
    try:
        with transaction.atomic():
            return set(
                score.objects.filter(**{lookup: programme_slug, "decile": 1}).values_list(
                    "school_id", flat=True
                )
            )
    except DatabaseError:  # the matrix's tables are not migrated yet
        return set()


def priority_for(school, programme_slug: str) -> bool:
    """True when `school` is in the top decile of the matrix for `programme_slug`."""
    return school.pk in target_school_ids(programme_slug)
