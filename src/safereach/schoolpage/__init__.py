"""The schools' side: a school's own page reached by a signed link (its bookings and visits,
what suits its year groups, what would help it, how its visits went, and concerns shared
safely), and what partners see of it: unmet demand, the tier mix, and schools' feedback and
knowledge checks on their sessions (the Feedback and knowledge-check models live here)."""
