from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sessions_app.admin_checkins import CheckInAdmin
from sessions_app.admin_closing import GoalOutcomeAdmin, ReflectionAdmin
from sessions_app.models import (
    CheckIn,
    GoalOutcome,
    Reflection,
    Session,
    SessionNote,
    SessionOption,
)


class SessionOptionInline(admin.TabularInline[SessionOption, Session]):
    model = SessionOption
    extra = 0
    fields = ("starts_at",)
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin[Session]):
    """Sessions are read here. Private notes are not shown: only their author sees them."""

    list_display = (
        "id", "mentorship", "pair", "status", "starts_at", "duration_minutes", "created_at",
    )  # fmt: skip
    list_filter = ("status", "starts_at", "created_at")
    search_fields = (
        "mentorship__mentee__email",
        "mentorship__mentee__name",
        "mentorship__mentor__email",
        "mentorship__mentor__name",
        "agenda",
    )
    list_select_related = ("mentorship__mentee", "mentorship__mentor")
    fields = (
        "mentorship", "proposed_by", "status", "starts_at", "duration_minutes", "location",
        "agenda", "shared_notes", "uid", "sequence", "confirmed_at", "completed_at",
        "cancelled_at", "cancelled_by", "cancel_reason", "no_show_of", "created_at", "updated_at",
    )  # fmt: skip
    # The pair's own record: times, status and the calendar identity change only through
    # the session services, which tell both people and send the updated invite.
    readonly_fields = fields
    date_hierarchy = "starts_at"
    inlines = (SessionOptionInline,)

    @admin.display(description="Pair", ordering="mentorship__mentee__name")
    def pair(self, session: Session) -> str:
        mentorship = session.mentorship
        return f"{mentorship.mentee.display_name} with {mentorship.mentor.display_name}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SessionOption)
class SessionOptionAdmin(admin.ModelAdmin[SessionOption]):
    """The times proposed for sessions still waiting for an answer."""

    list_display = ("starts_at", "session", "session_status")
    list_filter = ("session__status",)
    search_fields = ("session__mentorship__mentee__email", "session__mentorship__mentor__email")
    list_select_related = ("session",)
    date_hierarchy = "starts_at"
    readonly_fields = ("session", "starts_at")

    @admin.display(description="Session status", ordering="session__status")
    def session_status(self, option: SessionOption) -> str:
        return option.session.get_status_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SessionNote)
class SessionNoteAdmin(admin.ModelAdmin[SessionNote]):
    """That a private note exists and whose it is; never what it says (its author's alone).

    The body is neither shown, searched nor filterable here: a search that matched
    words in it would tell the searcher what the note says.
    """

    list_display = ("__str__", "author", "session", "updated_at")
    list_filter = ("session__status",)
    search_fields = ("author__email", "author__name")
    list_select_related = ("author", "session")
    date_hierarchy = "updated_at"
    fields = ("session", "author", "updated_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SessionNote]:
        # Not even loaded: nothing on these pages can show what was never read.
        return super().get_queryset(request).defer("body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(CheckIn, CheckInAdmin)
admin.site.register(Reflection, ReflectionAdmin)
admin.site.register(GoalOutcome, GoalOutcomeAdmin)
