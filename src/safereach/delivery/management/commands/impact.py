"""`safereach impact --programme P [--json]`: did incidents near schools that received the
programme change, compared with similar schools not yet visited? The same estimate as the
programme's impact page, run in the foreground; nothing is kept."""

import json

from django.core.management.base import BaseCommand, CommandError

from safereach.delivery.impact import BOOTSTRAP
from safereach.delivery.impact_data import evaluate
from safereach.matrix.models import Programme


class Command(BaseCommand):
    help = (
        "Estimate the change in a programme's incidents near schools that received it, against "
        "similar schools not yet visited (a staggered difference-in-differences event study)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("--bootstrap", type=int, default=BOOTSTRAP, help=f"resamples ({BOOTSTRAP})")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, programme, bootstrap, seed, json=False, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True))
            raise CommandError(f"No programme {programme!r}. Programmes: {known}")
        if not 99 <= bootstrap <= 9999:
            raise CommandError("--bootstrap must be from 99 to 9,999 resamples")
        result = evaluate(found, bootstrap=bootstrap, seed=seed)
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"{found.name}: {result['months']} months of {', '.join(result['categories'])}")
        if result["status"] == "refused":
            self.stdout.write("No estimate:")
            for reason in result["reasons"]:
                self.stdout.write(f"  - {reason}")
            return
        o = result["overall"]
        self.stdout.write(
            f"  {result['treated']} visited schools against {result['comparison']} not yet visited"
        )
        self.stdout.write(
            f"  Change: {o['incidents_a_month']:+.3f} incidents a month near each school "
            f"(95% interval {o['ci95'][0]:+.3f} to {o['ci95'][1]:+.3f})"
            + (
                f", {100 * o['relative']:+.1f}% of {o['baseline_incidents_a_month']:.2f} before"
                if o["relative"] is not None
                else ""
            )
        )
        p = result["pretrend"]
        self.stdout.write(
            f"  Months before the visits: {'passed' if p['passed'] else 'FAILED'}"
            + (f" (chi-squared {p['chi2']:.2f} on {p['df']}, p = {p['p']:.3f})" if p["p"] is not None else "")
        )


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
