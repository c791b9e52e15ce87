"""Deployment checks of SafeReach's own: `safereach check --deploy` refuses a secret key that
anyone could know, or one that each web process makes for itself."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Keys printed in SafeReach's own source at one time or another: a site still using one can have
# its schools' manage links forged by anyone who read the source.
KNOWN_KEYS = {"demo-only-insecure-key-set-SAFEREACH_SECRET_KEY-in-production"}


@register(Tags.security, deploy=True)
def secret_key_is_the_sites_own(app_configs, **kwargs):
    problems = []
    if settings.SECRET_KEY in KNOWN_KEYS or settings.SECRET_KEY.startswith("django-insecure"):
        problems.append(
            Error(
                "SAFEREACH_SECRET_KEY is a key published in source code: anyone could sign sessions "
                "and schools' manage links with it.",
                hint="Set SAFEREACH_SECRET_KEY to a new random key: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="safereach.E001",
            )
        )
    if not getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        problems.append(
            Warning(
                "The secret key comes from a file this machine made for itself, not from "
                "SAFEREACH_SECRET_KEY: web processes on other machines would each have their own.",
                hint="Set SAFEREACH_SECRET_KEY, the same for every web process.",
                id="safereach.W001",
            )
        )
    return problems
