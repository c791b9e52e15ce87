import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    """The real open data beside the project. It must be there under CI; elsewhere its
    absence skips the test rather than failing it."""
    path = Path(settings.SHARED_DATA_DIR)
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared data folder {path} is missing")
        pytest.skip(f"shared data folder {path} is absent")
    return path
