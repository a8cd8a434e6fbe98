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
    """The badge on every page: one filter() call, so the ORM builds one query, not three."""
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()
