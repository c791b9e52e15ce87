"""Pure computation about travel and time, knowing nothing of the database or HTTP: travel-time
providers, an officer's day and the one rule for what fits in it, slot search, and the term
planner with its solving core."""
