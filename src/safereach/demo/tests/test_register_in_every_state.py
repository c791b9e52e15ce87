"""The demo fire service's register shows a newcomer an entry in every state, whatever day the
demo is built."""

from collections import Counter

from django.utils import timezone

from safereach.register import clock, public, rules
from safereach.register.models import RegisterNotice


def test_the_demo_register_has_notices_in_every_state(run_demo):
    output = run_demo()
    today = clock.today()
    notices = list(RegisterNotice.objects.prefetch_related("events"))
    assert all(n.agency.is_fictional for n in notices)
    keep = clock.keep_years()
    standings = {n.pk: rules.standing(n.as_rules(list(n.events.all())), today, keep_years=keep)
                 for n in notices}
    summaries = " ".join(s.summary for s in standings.values())
    for words in ("On the register since", "Appears on the register on", "under appeal since",
                  "cancelled on appeal", "withdrawn on", "served on a person under 18",
                  "Off the register since"):
        assert words in summaries, words
    entries = [s.entry for s in standings.values() if s.entry]
    results = Counter((e.result, e.details_withheld) for e in entries)
    assert results[(rules.Result.ONGOING, False)] >= 3
    assert results[(rules.Result.COMPLIED, False)] >= 1 and results[(rules.Result.ONGOING, True)] == 1
    assert any(e.revised_compliance_date for e in entries)
    coming = [c.what for s in standings.values() for c in s.coming]
    assert "Appears on the register" in coming and any(w.startswith("Leaves the register") for w in coming)
    missed = [d.what for s in standings.values() for d in s.missed]
    assert "“Complied” shown" in missed and "Left out while under appeal" in missed
    published = public.published(today=today)
    assert len(published) == len(entries)
    assert all(e.notice.district is not None for e in published)
    assert f"{len(notices)} notices, {len(published)} on the public register today" in output
    assert timezone.localdate() == today


def test_a_second_demo_replaces_the_register(run_demo):
    run_demo()
    first = RegisterNotice.objects.count()
    run_demo()
    assert RegisterNotice.objects.count() == first
