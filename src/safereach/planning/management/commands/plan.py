"""`safereach plan --term YYYY-MM-DD:YYYY-MM-DD [--seconds N] [--json]`: plan the open requests
of a term around the visits already in officers' diaries, and print the plan without applying
it (nothing is written)."""

import json as jsonlib
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from safereach.planning.term_plan import make_plan


def parse_term(value: str) -> tuple[date, date]:
    try:
        first, last = (date.fromisoformat(part) for part in value.split(":"))
    except ValueError as exc:
        raise CommandError("--term must be two ISO dates, FIRST:LAST, e.g. 2027-01-05:2027-03-26") from exc
    if last < first:
        raise CommandError("--term ends before it starts")
    return first, last


class Command(BaseCommand):
    help = (
        "Plan the term's open requests (officers, days and times with the least travel, the most "
        "important schools first) and print the plan's summary; nothing is applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("--term", required=True, help="FIRST:LAST, ISO dates")
        parser.add_argument("--seconds", type=float, default=60.0, help="time to plan for (60)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print the whole plan as JSON")

    def handle(self, *args, term, seconds, seed, json: bool = False, **options):
        if seconds <= 0:
            raise CommandError("--seconds must be positive")
        first, last = parse_term(term)

        def progress(fraction: float) -> None:
            sys.stderr.write(f"\rplanning… {fraction:4.0%}")
            sys.stderr.flush()

        result = make_plan(first, last, seconds=seconds, seed=seed, progress=None if json else progress)
        summary = result.summary()
        if json:
            self.stdout.write(_dumps(summary))
            return
        sys.stderr.write("\n")
        self.stdout.write(
            f"Term {summary['term'][0]} to {summary['term'][1]}: {summary['requests']} open requests, "
            f"{summary['visits_already_in_diaries']} visits already in diaries\n"
            f"Visits planned: {summary['visits_planned']}; left out: {summary['left_out']} "
            f"({summary['high_priority_left_out']} high priority)\n"
            f"Travel: {summary['travel_minutes_before']:.0f} minutes now, "
            f"{summary['travel_minutes_after']:.0f} minutes with the plan\n"
            "Nothing has been applied."
        )


def _dumps(value) -> str:
    return jsonlib.dumps(value, indent=2)
