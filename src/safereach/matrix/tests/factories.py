"""Programmes for tests in any app: the rows the migrations seed, made again when a test's
database was flushed (transactional and browser tests)."""

from safereach.matrix.models import Programme


def programme(slug: str) -> Programme:
    """The starting programme with `slug` (matrix/programmes.py)."""
    found = Programme.objects.filter(slug=slug).first()
    if found is None:
        from safereach.matrix.build import seed_programmes

        seed_programmes()
        found = Programme.objects.get(slug=slug)
    return found
