"""Keep the map's incident counts up to date when incidents are loaded."""

from django.dispatch import receiver

from safereach.evidence.signals import data_loaded
from safereach.maps.counts import INCIDENT_KINDS, ensure_fresh


@receiver(data_loaded)
def count_loaded_incidents(sender, kind, **kwargs):
    if kind in INCIDENT_KINDS:
        ensure_fresh()
