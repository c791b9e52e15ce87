"""Who may open which page: views name the roles that may use them."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(*roles: str):
    """Let through signed-in users holding any of `roles` (administrators hold every role).

    Visitors who are not signed in are sent to sign in and brought back; signed-in users
    without the role get 403, because signing in again would not help them.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
