"""What every page's layout needs: the person's roles (for the navigation) and unread count."""

from portal.permissions import roles_of


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": [], "unread_count": 0}
    return {
        "nav_roles": roles_of(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
