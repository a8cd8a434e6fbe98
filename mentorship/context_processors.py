from typing import Any

from django.conf import settings
from django.http import HttpRequest

from mentorship.notifications.selectors import count_unread_notifications


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name for every page, and the unread badge for signed-in people."""
    unread = 0
    if request.user.is_authenticated:
        unread = count_unread_notifications(user=request.user)
    return {"SITE_NAME": settings.SITE_NAME, "unread_notification_count": unread}
