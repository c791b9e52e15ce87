"""Deployment check of the register: a public register held at a fixed day would show the
public what was on it then, not what is on it now."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def register_follows_the_calendar(app_configs, **kwargs):
    if settings.SAFEREACH_REGISTER["TODAY"] is None:
        return []
    return [Error(
        f"SAFEREACH_REGISTER_TODAY holds the public register at {settings.SAFEREACH_REGISTER['TODAY']}: "
        "it would publish and withdraw entries as on that day, not today.",
        hint="Unset SAFEREACH_REGISTER_TODAY: it is for demonstrations and acceptance checks.",
        id="safereach.E101",
    )]
