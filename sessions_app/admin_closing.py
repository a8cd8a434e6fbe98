"""The admin for closing reflections and goal outcomes: what the program team reads after
a pair ends.

Not registered here: `sessions_app/admin.py` registers them next to the other models.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sessions_app.models import GoalOutcome, Reflection


class GoalOutcomeInline(admin.TabularInline[GoalOutcome, Reflection]):
    model = GoalOutcome
    extra = 0
    fields = ("goal", "outcome", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Reflection | None = None) -> bool:
        return False


@admin.display(description="Role")
def _role(reflection: Reflection) -> str:
    return "Mentee" if reflection.author_id == reflection.mentorship.mentee_id else "Mentor"


class ReflectionAdmin(admin.ModelAdmin[Reflection]):
    """Both people's words, the rating and the private feedback (staff only, read-only)."""

    list_display = (
        "mentorship",
        "author",
        _role,
        "rating",
        "stay_in_touch",
        "become_mentor",
        "created_at",
    )
    list_filter = ("rating", "become_mentor", "stay_in_touch", "mentorship__status")
    search_fields = ("author__email", "author__name", "reflection", "private_feedback")
    list_select_related = ("author", "mentorship")
    date_hierarchy = "created_at"
    inlines = (GoalOutcomeInline,)
    fields = (
        "mentorship",
        "author",
        "rating",
        "private_feedback",
        "reflection",
        "thank_you",
        "stay_in_touch",
        "become_mentor",
        "created_at",
    )
    # A person's own words: the team reads them, nobody rewrites them.
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reflection]:
        return super().get_queryset(request).select_related("author", "mentorship")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class GoalOutcomeAdmin(admin.ModelAdmin[GoalOutcome]):
    """Where goals ended up when pairs closed: filter by outcome for the programme's story."""

    list_display = ("goal", "outcome", "author", "mentorship", "note")
    list_filter = ("outcome",)
    search_fields = ("goal__title", "reflection__author__email", "reflection__author__name")
    list_select_related = ("goal", "reflection__author", "reflection__mentorship")
    fields = ("reflection", "goal", "outcome", "note")
    readonly_fields = fields

    @admin.display(description="Written by", ordering="reflection__author__name")
    def author(self, outcome: GoalOutcome) -> str:
        return outcome.reflection.author.display_name

    @admin.display(description="Mentorship", ordering="reflection__mentorship")
    def mentorship(self, outcome: GoalOutcome) -> str:
        return str(outcome.reflection.mentorship)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GoalOutcome | None = None) -> bool:
        return False
