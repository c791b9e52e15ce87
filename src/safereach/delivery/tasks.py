"""Background tasks of delivery: sending visit changes to case systems, every 15 seconds; and the
impact evaluation, started from a programme's impact page. The evaluation reads what was asked
from its ImpactRun row and writes its progress and result back there, so it runs the same in a
thread of the web process or a `db_worker`."""

from __future__ import annotations

import logging

from django_tasks import task

from safereach.core.periodic import periodic
from safereach.delivery.impact_data import evaluate
from safereach.delivery.models import ImpactRun
from safereach.delivery.webhooks import send_due

logger = logging.getLogger(__name__)


@periodic(seconds=15)
@task()
def send_webhooks() -> dict:
    """Pass on new visit changes and try the deliveries that are due; returns counts."""
    return send_due()


@task()
def evaluate_impact(run_id: int) -> str:
    """Run the impact evaluation of one ImpactRun; returns the run's state when it ends."""
    run = ImpactRun.objects.select_related("programme").get(pk=run_id)
    if not run.start():
        return run.state
    try:
        result = evaluate(run.programme, progress=run.record_progress)
    except Exception as exc:
        logger.exception("Impact evaluation %s failed", run.pk)
        detail = (str(exc) or type(exc).__name__).rstrip(".")
        run.fail(f"The evaluation stopped with an error: {detail}.")
        raise
    run.finish(result=result)
    return run.state
