"""`safereach reach --by district [--programme P] [--school-year 2026] [--agency SLUG] [--json]`:
the reach figures of the reach pages, from the command line."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safereach.accounts.models import Agency
from safereach.delivery.reach import (
    BREAKDOWNS,
    results_numbers,
    results_text,
    school_year_label,
    school_year_of,
)
from safereach.delivery.reach_data import programme_names, report

BY = {name.replace("_", "-"): name for name in BREAKDOWNS}


class Command(BaseCommand):
    help = (
        "Pupils reached and visits delivered by programme, district, ward, term or school year, "
        "with the share of each programme's target schools reached."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, choices=sorted(BY), help="how to break the figures down")
        parser.add_argument("--programme", metavar="SLUG", help="one programme (default: all)")
        parser.add_argument(
            "--school-year",
            type=int,
            metavar="YEAR",
            help="the school year by the year it starts, e.g. 2026 for 2026/27 (default: the current one)",
        )
        parser.add_argument("--agency", metavar="SLUG", help="one agency's visits (default: every agency's)")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="give counts of 1 to 4 as 'fewer than 5', as partners see them",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="the day to take as today, for the current school year (default: today)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(
        self,
        *args,
        by,
        programme=None,
        school_year=None,
        agency=None,
        suppress=False,
        today=None,
        json=False,
        **options,
    ):
        names = programme_names()
        if programme and programme not in names:
            raise CommandError(f"No programme {programme!r}. Programmes: {', '.join(sorted(names))}")
        found_agency = None
        if agency:
            found_agency = Agency.objects.filter(slug=agency).first()
            if found_agency is None:
                known = ", ".join(Agency.objects.values_list("slug", flat=True))
                raise CommandError(f"No agency {agency!r}. Agencies: {known}")
        today = today or timezone.localdate()
        year = school_year if school_year is not None else school_year_of(today)
        if not 1990 <= year <= today.year + 1:
            raise CommandError(f"--school-year {year}: give the year the school year starts, e.g. 2026")
        found = report(
            school_year=year,
            agency=found_agency,
            programme=programme,
            own=(lambda v: False) if suppress else (lambda v: True),
        )
        fig = found.figures
        rows = [
            {
                "code": r.key,
                "name": r.label,
                "visits_delivered": r.visits if not suppress else r.visits_text,
                "pupils_reached": r.pupils if not suppress else r.pupils_text,
            }
            for r in fig.tables[BY[by]]
        ]
        out = {
            "school_year": school_year_label(year),
            "agency": found_agency.slug if found_agency else None,
            "programme": programme,
            "by": by,
            "rows": rows,
            "total": {
                "visits_delivered": fig.total_visits if not suppress else fig.total_visits_text,
                "pupils_reached": fig.total_pupils if not suppress else fig.total_pupils_text,
            },
            "target_schools": [
                {
                    "programme": s.programme,
                    "targets": s.targets,
                    "reached_this_school_year": s.this_year if not suppress else s.this_year_text,
                    "reached_last_three_school_years": s.last_three if not suppress else s.last_three_text,
                }
                for s in fig.target_shares
            ],
            "feedback_and_knowledge_checks": [
                {"programme": r.key, **(results_numbers(r) if not suppress else results_text(r))}
                for r in fig.results
            ],
            "never_visited": len(found.never_visited),
            "classification": found.classification,
            "period": found.period,
        }
        if json:
            self.stdout.write(_dumps(out))
            return
        self.stdout.write(
            f"Reach in {out['school_year']}"
            + (f", {found_agency.name}" if found_agency else ", every agency")
            + (f", {names[programme]}" if programme else "")
            + f", by {by}:"
        )
        width = max((len(r["name"]) for r in rows), default=10)
        for r in rows:
            self.stdout.write(
                f"  {r['name']:<{width}}  {r['pupils_reached']:>8} pupils  {r['visits_delivered']:>5} visits"
            )
        self.stdout.write(
            f"  {'Total':<{width}}  {out['total']['pupils_reached']:>8} pupils  "
            f"{out['total']['visits_delivered']:>5} visits"
        )
        for s in out["target_schools"]:
            self.stdout.write(
                f"  Target schools of {s['programme']}: {s['reached_this_school_year']} of {s['targets']} "
                f"reached this school year, {s['reached_last_three_school_years']} in the last three"
            )
        self.stdout.write(f"  Schools never visited: {out['never_visited']}")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
