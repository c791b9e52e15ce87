"""What happens after booking: the officer's week as a route with its calendar feed, visit
outcomes, and projected delivery shared with partners."""
