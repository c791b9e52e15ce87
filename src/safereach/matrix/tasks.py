"""Background tasks of the matrix app: the back-test, started from a programme's back-test page,
and the rebuild of a programme's list, started from its profile page.

Each task reads what was asked from its run's row and writes its progress and outcome back
there, so it runs the same in a thread of the web process or in a `db_worker` process."""

from __future__ import annotations

import logging

from django_tasks import task

from safereach.matrix import indicators as ind
from safereach.matrix.build import build, run_backtest
from safereach.matrix.models import BacktestRun, BuildRun

logger = logging.getLogger(__name__)


@task()
def back_test(run_id: int) -> str:
    """Run the back-test of one BacktestRun; returns the run's state when it ends."""
    run = BacktestRun.objects.select_related("programme", "asked_by").get(pk=run_id)
    if not run.start():
        return run.state  # already run, or given up on while it waited
    try:
        kept = run_backtest(
            run.programme,
            until=ind.month_index(run.until.year, run.until.month),
            horizon=run.horizon_months,
            origins=run.origins,
            ran_by=run.asked_by.email if run.asked_by else "",
            progress=run.record_progress,
        )
    except ValueError as exc:
        # The data loaded cannot be back-tested (no schools, say): the person can act on that.
        reason = str(exc).rstrip(".")
        run.fail(f"The back-test could not run: {reason[:1].lower()}{reason[1:]}.")
        return run.state
    except Exception as exc:
        logger.exception("Back-test %s failed", run.pk)
        detail = (str(exc) or type(exc).__name__).rstrip(".")
        run.fail(f"The back-test stopped with an error: {detail}.")
        raise  # so the task backend records the failure too
    run.finish(result=kept.result, backtest=kept)
    return run.state


@task()
def rebuild_list(run_id: int) -> str:
    """Build the target list of one BuildRun's programme; returns the run's state when it ends."""
    run = BuildRun.objects.select_related("programme", "asked_by").get(pk=run_id)
    if not run.start():
        return run.state
    try:
        [made] = build([run.programme], built_by=run.asked_by.email if run.asked_by else "",
                       progress=run.record_progress)
    except ValueError as exc:
        # A profile that cannot be built (none yet, a number out of bounds): say which.
        run.fail(f"The list could not be rebuilt: {str(exc).rstrip('.')}.")
        return run.state
    except Exception as exc:
        logger.exception("Rebuild %s failed", run.pk)
        run.fail(f"The rebuild stopped with an error: {(str(exc) or type(exc).__name__).rstrip('.')}.")
        raise
    run.finish(target_list=made)
    return run.state
