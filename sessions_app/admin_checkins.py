"""Check-ins in the admin: read to follow pairs; changes go through the services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sessions_app.models import CheckIn


class CheckInAdmin(admin.ModelAdmin[CheckIn]):
    list_display = (
        "__str__",
        "mentee",
        "mentor",
        "progress",
        "due_on",
        "acknowledged",
        "created_at",
    )
    list_filter = ("progress", ("acknowledged_at", admin.EmptyFieldListFilter))
    search_fields = (
        "mentorship__mentee__email", "mentorship__mentee__name",
        "mentorship__mentor__email", "mentorship__mentor__name",
    )  # fmt: skip
    list_select_related = ("mentorship__mentee", "mentorship__mentor")
    date_hierarchy = "created_at"
    readonly_fields = (
        "mentorship", "author", "due_on", "progress", "wins", "blockers", "next_steps",
        "milestones_done", "mentor_comment", "acknowledged_at", "created_at",
    )  # fmt: skip
    exclude = ("form_token",)

    @admin.display(description="Mentee", ordering="mentorship__mentee__name")
    def mentee(self, checkin: CheckIn) -> str:
        return checkin.mentorship.mentee.display_name

    @admin.display(description="Mentor", ordering="mentorship__mentor__name")
    def mentor(self, checkin: CheckIn) -> str:
        return checkin.mentorship.mentor.display_name

    @admin.display(description="Acknowledged", boolean=True)
    def acknowledged(self, checkin: CheckIn) -> bool:
        return checkin.is_acknowledged

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
