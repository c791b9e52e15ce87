"""The multi-agency map: map pages and their layers (schools by target decile, incidents counted
in grid cells, Getis-Ord Gi* hot and cold spots, deprivation and incident-rate choropleths,
vulnerable places, notices, officers' bases, visits), the proximity tables beside the map, the
incident counts per grid cell and month kept for them, and the MACE meeting's map pack (PDF)."""
