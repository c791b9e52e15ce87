"""Background tasks of the maps app: the map pack, started from the map pack page.

The task reads what was asked from its MapPackRun row and writes its progress and the PDF back
there, so it runs the same in a thread of the web process or in a `db_worker` process."""

from __future__ import annotations

import logging
from dataclasses import replace

from django_tasks import task

from safereach.maps.access import Viewer
from safereach.maps.map_areas import UnknownArea
from safereach.maps.mappack.build import build_map_pack
from safereach.maps.models import MapPackRun

logger = logging.getLogger(__name__)


@task()
def build_map_pack_task(run_id: int) -> str:
    """Build the map pack of one MapPackRun; returns the run's state when it ends."""
    run = MapPackRun.objects.select_related("asked_by").defer("pdf").get(pk=run_id)
    if not run.start():
        return run.state
    # What the asker may see as the pack is built (an agreement may have ended since they asked),
    # OFFICIAL-SENSITIVE data only if they gave a reason for it; never street points.
    if run.asked_by:
        viewer = replace(
            Viewer.of(run.asked_by, sensitive=run.sensitive), street_points=False, shared=run.shared
        )
    else:
        viewer = Viewer.everyone()
    try:
        pack = build_map_pack(
            run.area_code,
            run.month,
            viewer,
            progress=run.record_progress,
            asked_by=run.asked_by.get_full_name() or run.asked_by.email if run.asked_by else "",
        )
    except (ValueError, UnknownArea) as exc:
        reason = str(exc).rstrip(".")
        run.fail(f"The map pack could not be built: {reason[:1].lower()}{reason[1:]}.")
        return run.state
    except Exception as exc:
        logger.exception("Map pack %s failed", run.pk)
        run.fail(f"The map pack stopped with an error: {(str(exc) or type(exc).__name__).rstrip('.')}.")
        raise
    run.finish(pdf=pack.pdf, pages=pack.pages, classification=pack.classification)
    return run.state
