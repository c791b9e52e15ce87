"""What every benchmark shares: a scratch database, a timer, and a results file."""

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django(scratch: bool = True) -> None:
    """Start Django; with `scratch`, on a new SQLite database unless DATABASE_URL is given."""
    sys.path.insert(0, str(ROOT / "src"))
    if scratch and "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="safereach-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safereach.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@contextmanager
def timed():
    """Yields a dict whose 'seconds' is filled in when the block ends."""
    result = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start


def report(name: str, figures: dict, lines: list[str]) -> None:
    """Print the lines and write the same figures to bench/results/<name>.json."""
    for line in lines:
        print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT) / (name + '.json')}")


def signed_in(user, **client_options):
    """A test client signed in as `user`, through the second step (a code from the user's
    authenticator) where the user's roles need one, as a person would be: pages then answer as
    they do for that person, not with the way to the second step. A code is good once, so sign
    each user in once and keep the client."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import TOTP

    from safereach.accounts.two_step import device_for, required_for

    client = Client(**client_options)
    client.force_login(user)
    page = client.get(reverse("accounts:two-step"))
    if page.status_code == 200 and required_for(page.wsgi_request):
        device = device_for(user)
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        done = client.post(reverse("accounts:two-step"), {"code": f"{code:0{device.digits}d}"})
        assert done.status_code == 302, "the second step of signing in did not take"
    return client
