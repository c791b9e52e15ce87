"""Sign-in lock-outs go in the audit log, where administrators read them beside everything else."""

from safereach.accounts.models import AuditEvent


def audit_lock_out(sender, request=None, username=None, ip_address=None, **kwargs):
    AuditEvent.objects.create(
        actor=(username or "")[:200],
        action="accounts.sign_in.locked_out",
        target=(username or "")[:300],
        detail={"address": ip_address or ""},
    )
