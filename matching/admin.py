from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from matching import admin_programs  # noqa: F401  (Program, Enrolment, PairRule)
from matching.models import Mentorship, MentorshipRequest, RequestMessage
from sessions_app.selectors.health import list_at_risk


class RequestMessageInline(admin.TabularInline[RequestMessage, MentorshipRequest]):
    model = RequestMessage
    extra = 0
    fields = ("author", "body", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin[MentorshipRequest]):
    """Requests are read here; their state changes only through the services."""

    list_display = ("subject", "mentee", "mentor", "status", "program", "created_at")
    list_filter = ("status", "ask", "program")
    search_fields = ("subject", "mentee__email", "mentee__name", "mentor__email", "mentor__name")
    list_select_related = ("mentee", "mentor", "program")
    date_hierarchy = "created_at"
    inlines = (RequestMessageInline,)
    readonly_fields = (
        "mentee", "mentor", "program", "goal", "subject", "message", "ask", "status",
        "decline_reason", "decline_note", "welcome_note", "reminders_sent", "created_at",
        "responded_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class HealthFilter(admin.SimpleListFilter):
    """The pairs the health rules label at risk (sessions_app.health)."""

    title = "health"
    parameter_name = "health"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Mentorship]
    ) -> list[tuple[str, str]]:
        return [("at_risk", "At risk")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Mentorship]
    ) -> QuerySet[Mentorship]:
        if self.value() != "at_risk":
            return queryset
        return queryset.filter(
            pk__in=[row.mentorship.pk for row in list_at_risk(now=timezone.now())]
        )


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = ("__str__", "mentee", "mentor", "status", "program", "started_at")
    list_filter = ("status", HealthFilter, "program")
    search_fields = ("mentee__email", "mentee__name", "mentor__email", "mentor__name")
    list_select_related = ("mentee", "mentor", "program")
    date_hierarchy = "started_at"
    readonly_fields = (
        "mentee", "mentor", "program", "request", "status", "started_at", "ended_at",
        "mentee_confirmed_at", "mentor_confirmed_at",
    )  # fmt: skip
    filter_horizontal = ("goals",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
