"""What happens at and after a visit, and what it achieved: the officer's week and calendar feed,
visit outcomes, projected delivery, visits as jobs for partners' case systems (the webhooks sent
from the bookings outbox, `webhooks`; the file export under a case system's mapping, `jobs`),
reach (pupils and visits added up, with exports), and the impact evaluation with its
stepped-wedge hold-backs."""
