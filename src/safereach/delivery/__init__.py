"""What was delivered and what it achieved: the officer's week, visit outcomes, projected
delivery, reach (pupils and visits added up, with exports), and the impact evaluation with its
stepped-wedge hold-backs."""
