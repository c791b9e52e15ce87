"""Schools from Get Information About Schools, with their tier of need."""
