import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safereach.settings")

from safereach.core.periodic import with_ticker  # noqa: E402 - needs the settings module set

application = with_ticker(get_wsgi_application())
