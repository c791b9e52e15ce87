"""Term plans: gathering a term's open requests and the officers' diaries for the planner,
plan runs in the background with their progress, the coordinator's review (pin, drop, plan
again), and applying a plan, which books its visits through the booking services."""
