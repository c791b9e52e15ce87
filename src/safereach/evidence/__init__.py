"""Datasets and their provenance, and the evidence loaded from them: deprivation, incidents
(police and fire), vulnerable places, notices, area rates; one importer per source format."""
