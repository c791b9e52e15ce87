"""Signals other apps listen to, so that evidence never needs to know them."""

from django.dispatch import Signal

# Sent once a load has been written (after its transaction commits); kwargs: kind, datasets.
data_loaded = Signal()
