from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from matching.selectors import NavCounts, nav_counts
from mentorship.notifications.selectors import count_unread_notifications

NO_NAV = NavCounts(is_mentor=False, inbox=0, has_mentorships=False)


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name for every page; the unread badge, the inbox count and the mentorships
    link for signed-in people.

    The navigation's counts are one query, made only when a template shows them
    (htmx partials that do not render the header do not pay for it).
    """
    unread = 0
    nav: Any = NO_NAV
    if request.user.is_authenticated:
        user = request.user
        unread = count_unread_notifications(user=user)
        nav = SimpleLazyObject(lambda: nav_counts(user=user))
    return {"SITE_NAME": settings.SITE_NAME, "unread_notification_count": unread, "nav": nav}
