"""`safereach jobs`: visits as case-system jobs. `export` writes them to a file (CSV or JSON,
columns renamed by a mapping); `send` sends the webhooks that are due now."""

import getpass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from safereach.accounts.models import Agency, AuditEvent
from safereach.delivery.jobs import MappingError, builtin_mappings, export, read_mapping
from safereach.delivery.webhooks import send_due


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since {text!r} is not a date: give it as YYYY-MM-DD, e.g. 2027-01-05"
        ) from None


def _agency(text: str) -> Agency:
    match = Q(slug=text) | Q(name__iexact=text)
    if text.isdigit():
        match |= Q(pk=int(text))
    agency = Agency.objects.filter(match).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("slug", flat=True)[:20]) or "none yet"
        raise CommandError(f"--agency {text!r}: no agency has that slug, name or id (agencies: {known})")
    return agency


class Command(BaseCommand):
    help = "Visits as jobs for case systems: export them to a file, or send the webhooks due now."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        e = actions.add_parser("export", help="one row per job of an agency, as CSV or JSON")
        e.add_argument("--agency", required=True, help="the agency's slug, name or id")
        e.add_argument(
            "--since", type=str, help="jobs changed on or after this day (YYYY-MM-DD); all without"
        )
        e.add_argument("--format", choices=["csv", "json"], default="csv")
        built_in = ", ".join(sorted(builtin_mappings()))
        e.add_argument(
            "--mapping",
            default="",
            help=f"a case system's column names: a TOML file, or built in ({built_in})",
        )
        e.add_argument("--output", default="-", help="the file to write (default: standard output)")
        actions.add_parser("send", help="send the webhooks that are due now")

    def handle(self, *args, action, **opts):
        return getattr(self, f"_{action}")(**opts)

    def _export(self, agency, since, format, mapping, output, **opts):
        agency = _agency(agency)
        since = _date(since) if since else None
        try:
            chosen = read_mapping(mapping) if mapping else None
        except MappingError as error:
            raise CommandError(f"--mapping: {error}") from None
        text, count = export(agency, since, format, chosen)
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--output {output}: cannot be written: {error.strerror}") from None
            self.stderr.write(f"Wrote {count} job{'s' if count != 1 else ''} to {output}")
        AuditEvent.objects.create(
            actor=getpass.getuser(),
            action="delivery.jobs.export",
            target=agency.name,
            detail={
                "since": since.isoformat() if since else None,
                "format": format,
                "mapping": chosen.name if chosen else "",
                "jobs": count,
            },
        )

    def _send(self, **opts):
        counts = send_due()
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
