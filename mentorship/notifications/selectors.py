from django.shortcuts import get_object_or_404

from mentorship.notifications.models import Notification, NotificationQuerySet
from profiles.models import User


def list_notifications_for_recipient(*, user: User) -> NotificationQuerySet:
    """The person's own notifications, newest first."""
    return Notification.objects.for_recipient(user).in_app().order_by("-created_at", "-id")


def get_notification_for_recipient(*, user: User, pk: int) -> Notification:
    """One of the person's own notifications; 404 for anyone else's."""
    return get_object_or_404(Notification.objects.for_recipient(user).in_app(), pk=pk)


def count_unread_notifications(*, user: User) -> int:
    return Notification.objects.for_recipient(user).in_app().unread().count()
