"""What happens at and after a visit: the officer's week and calendar feed, visit outcomes,
projected delivery, and visits as jobs for partners' case systems (the webhooks sent from
the bookings outbox, `webhooks`; the file export under a case system's mapping, `jobs`)."""
