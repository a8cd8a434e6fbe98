from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mentorship.notifications import services
from mentorship.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = (
        "subject",
        "recipient",
        "kind",
        "status",
        "attempts",
        "scheduled_at",
        "sent_at",
        "read_at",
    )
    list_filter = ("status", "kind", "send_email")
    search_fields = ("key", "subject", "recipient__email", "recipient__name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)
    readonly_fields = (
        "key",
        "recipient",
        "kind",
        "context",
        "subject",
        "body",
        "url",
        "send_email",
        "status",
        "attempts",
        "last_error",
        "scheduled_at",
        "claimed_at",
        "sent_at",
        "read_at",
        "created_at",
    )
    actions = ("retry_selected", "cancel_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Notifications are written by the platform's services, not by hand.
        return False

    @admin.action(description="Send again (failed or cancelled ones)")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.retry_notifications(
            notification_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(
            request, f"{count} notification(s) queued to send again.", messages.SUCCESS
        )

    @admin.action(description="Cancel (not yet sent)")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.cancel_notifications(
            notification_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(request, f"{count} notification(s) cancelled.", messages.SUCCESS)
