"""`safereach demo`: build the fictional demo county, replacing any earlier demo."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from safereach.accounts.models import Role
from safereach.demo.build import rebuild_demo
from safereach.demo.county import COUNTY, DEFAULT_LAST_MONTH, DEFAULT_SEED, generate
from safereach.demo.partners import DEMO_PASSWORD
from safereach.demo.school_contacts import contacts_to_print, queued_requests, things_to_try
from safereach.demo.schools_side import demo_school_link


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError(
            f"--last-month {value!r}: give a month as YYYY-MM, e.g. 2026-09") from exc


class Command(BaseCommand):
    help = ("Build the fictional demo county (areas, deprivation, schools, incidents, places, "
            "notices, partners, officers and demo sign-ins), replacing any earlier demo data. "
            "Real (non-fictional) data is left as it is.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"Random seed; the same seed builds the same county "
                                 f"(default {DEFAULT_SEED}).")
        parser.add_argument("--last-month", default=f"{DEFAULT_LAST_MONTH:%Y-%m}",
                            help="Last month of the 24 months of incidents, YYYY-MM "
                                 f"(default {DEFAULT_LAST_MONTH:%Y-%m}).")
        parser.add_argument("--site-url", default="http://127.0.0.1:8000",
                            help="Where the demo is served, for the printed school link.")

    def handle(self, *args, seed: int, last_month: str, **options):
        started = time.perf_counter()
        county = generate(seed=seed, last_month=_month(last_month))
        generated = time.perf_counter()
        counts = rebuild_demo(county)
        # The map's incident counts per grid cell, so the map's first page opens at once.
        from safereach.maps.counts import ensure_fresh

        ensure_fresh()
        written = time.perf_counter()

        out = self.stdout
        months = county.months
        out.write(f"Built the demo county {COUNTY} from seed {seed} "
                  f"in {written - started:.1f} s "
                  f"(generated {generated - started:.1f} s, written {written - generated:.1f} s).")
        out.write(f"  Areas: {counts['districts']} districts, {counts['wards']} wards, "
                  f"{counts['lsoas']} LSOAs (2011), with deprivation for each LSOA")
        out.write(f"  Schools: {counts['schools']}")
        out.write(f"  Incidents: {counts['police incidents']:,} police, "
                  f"{counts['fire incidents']:,} fire, "
                  f"{months[0]:%B %Y} to {months[-1]:%B %Y}")
        out.write(f"  Vulnerable places: {counts['vulnerable places']}; "
                  f"notices: {counts['notices']}")
        out.write(f"  Partners: {counts['agencies']} agencies, {counts['stations']} stations "
                  f"and offices, {counts['officers']} officers")
        if "past visits" in counts:
            out.write(f"  Visits: {counts['visits']} booked ahead; {counts['past visits']} in the "
                      f"last {counts['past school weeks']} school weeks, with "
                      f"{counts.get('outcomes', 0)} outcomes recorded and "
                      f"{counts.get('outcomes to record', 0)} still to record")
        if counts.get("history visits"):
            out.write(f"  Past terms: {counts['history visits']} visits with their outcomes, "
                      "from the roll-out the impact pages evaluate")
        if "school needs" in counts:
            out.write(f"  Schools' side: {counts['school needs']} schools said what would help; "
                      f"{counts['feedback']} visits have feedback, {counts['knowledge checks']} "
                      f"knowledge checks ({counts['knowledge checks six weeks on']} taken again six "
                      f"weeks on); {counts['concerns']} concerns shared")
        if "term requests" in counts:
            first, last = counts["term requests days"]
            out.write(f"  Requests in the coordinators' queue: {queued_requests()}, "
                      f"{counts['term requests']} of them for next term, for days from "
                      f"{first:%d %B %Y} to {last:%d %B %Y}")
        if "register notices" in counts:
            out.write(f"  Register of fire-safety notices: {counts['register notices']} notices, "
                      f"{counts['register entries']} on the public register today")
        if counts.get("agreements"):
            out.write(f"  Sharing agreements: {counts['agreements']} between the partners "
                      f"({counts['agreements in force']} in force, {counts['agreements ended']} ended "
                      f"with its data withheld, {counts['agreements due for review']} due for review); "
                      f"{counts['sensitive data']} are OFFICIAL-SENSITIVE, for analysts who give a reason: "
                      f"{options['site_url'].rstrip('/')}{reverse('governance:agreements')}")
        out.write("")
        out.write(f"Demo sign-ins (every one has the password {DEMO_PASSWORD}):")
        width = max(len(u["email"]) for u in county.users)
        for user in county.users:
            out.write(f"  {user['email']:<{width}}  {DEMO_PASSWORD}  {', '.join(user['roles'])}")
        for email in counts.get("concern recipients", []):
            out.write(f"  {email:<{width}}  {DEMO_PASSWORD}  partner; receives schools' concerns")
        out.write("Administrators, analysts, coordinators and the concerns' recipients may see "
                  "OFFICIAL-SENSITIVE data, so they sign in in two steps: the first time, the page "
                  "shows a QR code and a key to add to any authenticator app (or `oathtool --totp "
                  "-b KEY` on this machine), then asks for its 6-number code.")
        site = options["site_url"].rstrip("/")
        contacts = contacts_to_print()
        if contacts:
            out.write("")
            out.write(f"Demo school contacts, verified by a coordinator ({counts['verified contacts']} "
                      "schools have one). No password: SafeReach emails them links, and the demo's "
                      "emails appear in this console.")
            width = max(len(email) for email, _ in contacts)
            for email, school in contacts:
                out.write(f"  {email:<{width}}  ({school})")
            out.write(f"  A coordinator invites target schools through these contacts: "
                      f"{site}{reverse('bookings:invite')}")
        link = demo_school_link(site)
        if link:
            out.write("")
            out.write(f"A school's own page (no password; the link works for 30 days): {link[0]}")
            out.write(f"  {link[1]}")
        coordinator = next(u["email"] for u in county.users if Role.COORDINATOR in u["roles"])
        things = things_to_try(site, coordinator, counts.get("term requests days"))
        if things:
            out.write("")
            out.write(f"{len(things)} things to try:")
            for number, thing in enumerate(things, 1):
                out.write(f"  {number}. {thing}")
