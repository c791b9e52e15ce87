from safereach.accounts.models import Role


def navigation(request):
    """The links in the service navigation, by the roles the signed-in user holds."""
    user = getattr(request, "user", None)
    links = []
    if user is not None and user.is_authenticated:
        links.append(("Home", "home"))
        if user.has_role(Role.ANALYST, Role.COORDINATOR, Role.PARTNER):
            links.append(("Datasets", "evidence:datasets"))
        if user.has_role(Role.ADMINISTRATOR):
            links.append(("Administration", "admin:index"))
    return {"navigation_links": links}
