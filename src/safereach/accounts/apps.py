from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safereach.accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from safereach.accounts.signals import audit_lock_out

        user_locked_out.connect(audit_lock_out, dispatch_uid="safereach-audit-lock-out")
