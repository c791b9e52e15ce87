"""LSOAs, wards and districts with their boundaries; coordinates (British National Grid and
WGS84); which area holds a point."""
