"""What a protection officer's and a protection manager's home page shows of the register."""

from safereach.register import clock
from safereach.register.due import due
from safereach.register.models import RegisterNotice
from safereach.register.public import may_be_public, published


def protection_figures(user, *, manager: bool) -> dict:
    agency = user.agency
    if agency is None:
        return {"agency": None, "figures": []}
    notices = RegisterNotice.objects.filter(agency=agency)
    today = clock.today()
    owed = due(notices, today, keep_years=clock.keep_years())
    public = len(published(may_be_public(today).filter(agency=agency), today=today))
    figures = [
        {"number": notices.count(), "label": "notices recorded"},
        {"number": public, "label": "on the public register today"},
        {"number": len(owed.waiting), "label": "waiting for a decision"},
    ]
    if manager:
        figures += [
            {"number": len(owed.coming), "label": "changes due in the next 14 days"},
            {"number": len(owed.missed), "label": "deadlines missed in the last 90 days"},
        ]
    return {"agency": agency, "figures": figures, "to_check": len(owed.to_check)}
