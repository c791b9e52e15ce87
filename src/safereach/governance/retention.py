"""Audit entries are kept for their period (SAFEREACH_AUDIT_RETENTION_DAYS) and then deleted;
one new entry says how many went, so the deletion itself leaves a trace."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safereach.accounts.audit import record
from safereach.accounts.models import AuditEvent
from safereach.governance.inventory import audit_retention_days


def delete_old_audit_entries(today: date, actor: str) -> int:
    cutoff = today - timedelta(days=audit_retention_days())
    with transaction.atomic():
        old = AuditEvent.objects.filter(at__lt=timezone.make_aware(datetime.combine(cutoff, time.min)))
        count = old.count()
        if count:
            old.delete()
            record("retention.delete", actor=actor, target=f"{count} audit entries",
                   before=cutoff.isoformat())
    return count
