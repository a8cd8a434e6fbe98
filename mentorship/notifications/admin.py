from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from mentorship.notifications import services
from mentorship.notifications.models import BouncedAddress, Notification


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
    actions = ("retry_selected", "cancel_selected")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Notification | None = None
    ) -> list[str]:
        # A record of what was sent: nobody edits it (the address of a pending
        # password-reset email least of all). The actions below call services.
        return [field.name for field in Notification._meta.fields]

    def get_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: Notification | None = None
    ) -> list[str]:
        fields = [field.name for field in Notification._meta.fields if field.name != "id"]
        # Account emails can carry reset and confirmation links: never shown here.
        if obj is not None and obj.kind == "account":
            fields = [name for name in fields if name not in {"body", "html_body"}]
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Notifications are written by the platform's services, not by hand.
        return False

    @admin.action(permissions=["change"], description="Send again (failed or cancelled ones)")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.retry_notifications(
            notification_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(
            request, f"{count} notification(s) queued to send again.", messages.SUCCESS
        )

    @admin.action(permissions=["change"], description="Cancel (not yet sent)")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.cancel_notifications(
            notification_ids=list(queryset.values_list("id", flat=True))
        )
        self.message_user(request, f"{count} notification(s) cancelled.", messages.SUCCESS)


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin[BouncedAddress]):
    """Addresses the platform stopped emailing after a permanent bounce: read-only, and
    cleared by staff once the person has fixed their mailbox."""

    list_display = ("email", "created_at", "reason")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = ("email", "reason", "notification", "created_at")
    actions = ("clear_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Flags come from real bounces only.
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: BouncedAddress | None = None
    ) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # "Clear" is the one way out, through the service; no generic delete beside it.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(permissions=["delete"], description="Clear (email these addresses again)")
    def clear_selected(self, request: HttpRequest, queryset: QuerySet[BouncedAddress]) -> None:
        count = services.clear_bounced_addresses(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            f"{count} address(es) cleared: new emails to them will be sent again.",
            messages.SUCCESS,
        )
