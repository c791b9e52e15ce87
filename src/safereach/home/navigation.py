from django.urls import reverse

from safereach.accounts.models import Role
from safereach.areas.models import Area
from safereach.evidence.models import Dataset
from safereach.schools.models import School


def navigation(request):
    """The service navigation for the signed-in user's roles, and whether demo data is loaded."""
    user = getattr(request, "user", None)
    links = []
    if user is not None and user.is_authenticated:
        links.append(("Home", reverse("home")))
        if user.has_role(Role.ANALYST, Role.COORDINATOR, Role.PARTNER):
            links.append(("Datasets", reverse("evidence:datasets")))
            links.append(("Target lists", reverse("matrix:programmes")))
        if user.has_role(Role.COORDINATOR):
            links.append(("Booking queue", reverse("bookings:queue")))
            links.append(("Term plan", reverse("planning:term-plan")))
            links.append(("Officers", reverse("workforce:officers")))
        if Role.OFFICER in (user.roles or []):
            links.append(("Your week", reverse("week:mine")))
        if user.has_role(Role.PARTNER, Role.COORDINATOR):
            links.append(("Your sessions", reverse("catalogue:our-sessions")))
        if user.has_role(Role.PARTNER, Role.COORDINATOR, Role.ANALYST):
            links.append(("Projected delivery", reverse("delivery:projected")))
            # Reach: the user's own agency's page when it delivers sessions, else every agency's.
            own = user.agency if user.agency_id and user.agency.sessions.exists() else None
            links.append(("Reach", reverse("delivery:reach-agency", args=[own.slug]) if own
                          else reverse("delivery:reach")))
            links.append(("Impact", reverse("delivery:impact")))
            links.append(("Map", reverse("maps:map")))
        # The schools' side (schoolpage): what schools asked for, their feedback, their tiers,
        # and concerns, shown only to those they were routed to.
        if user.has_role(Role.PARTNER, Role.COORDINATOR, Role.ANALYST):
            links.append(("Unmet demand", reverse("schoolpage:unmet-demand")))
        if user.has_role(Role.PARTNER, Role.COORDINATOR):
            links.append(("Feedback", reverse("schoolpage:feedback-overview")))
        if user.has_role(Role.COORDINATOR):
            links.append(("Tiers", reverse("schoolpage:tiers")))
        if user.concern_routes.exists() or user.concerns_received.exists():
            links.append(("Concerns", reverse("schoolpage:concerns")))
        # Fire safety protection: the register of notices (the register app).
        if user.has_role(Role.PROTECTION_OFFICER, Role.PROTECTION_MANAGER):
            links.append(("Fire safety notices", reverse("register:notices")))
        if user.has_role(Role.ADMINISTRATOR):
            links.append(("Administration", reverse("admin:index")))
        # Governance: sharing agreements, inventory and audit log (the governance app).
        if user.has_role(Role.ADMINISTRATOR):
            links.append(("Governance", reverse("governance:agreements")))
        if user.has_role(Role.ANALYST):
            links.append(("Fairness", reverse("delivery:fairness")))
    current = request.path
    navigation_links = [
        {
            "text": text,
            "href": href,
            # Home is current only on itself; other sections own everything below them.
            "current": current == href if href == "/" else current.startswith(href),
        }
        for text, href in links
    ]
    return {"navigation_links": navigation_links, "fictional_data_loaded": fictional_data_loaded()}


def fictional_data_loaded() -> bool:
    """True when any of the fictional demo county is in the database, so every page can say so."""
    return (
        Dataset.objects.filter(is_fictional=True).exists()
        or Area.objects.filter(is_fictional=True).exists()
        or School.objects.filter(is_fictional=True).exists()
    )
