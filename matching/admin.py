from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from matching import (
    admin_programs,  # noqa: F401  (Program, Enrolment, PairRule)
    admin_runs,  # noqa: F401  (MatchRun, MatchRunPair)
)
from matching.models import Mentorship, MentorshipRequest, RequestMessage
from matching.services import expire_request, remind_mentor
from mentorship.admin_actions import run_each
from sessions_app.selectors.health import list_at_risk
from sessions_app.services.closing import (
    MAX_PAUSE_DAYS,
    MAX_REASON,
    pause_mentorship,
    resume_mentorship,
)


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

    actions = ("remind_mentors", "expire_now")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(permissions=["change"], description="Remind the mentor now (waiting requests)")
    def remind_mentors(self, request: HttpRequest, queryset: QuerySet[MentorshipRequest]) -> None:
        now = timezone.now()

        def remind(row: MentorshipRequest) -> bool:
            # The next reminder in the series, so the sweep does not send it again.
            return remind_mentor(request_id=row.pk, number=row.reminders_sent + 1, now=now)

        run_each(self, request, queryset, remind, done="{count} mentor(s) reminded.")

    @admin.action(
        permissions=["change"],
        description="Expire now (waiting requests; the mentee hears of others)",
    )
    def expire_now(self, request: HttpRequest, queryset: QuerySet[MentorshipRequest]) -> None:
        now = timezone.now()
        paused = 0

        def expire(row: MentorshipRequest) -> bool:
            nonlocal paused
            outcome = expire_request(request_id=row.pk, now=now)
            paused += outcome.paused
            return outcome.expired

        run_each(self, request, queryset, expire, done="{count} request(s) expired.")
        if paused:
            self.message_user(
                request,
                f"{paused} mentor(s) paused after their last requests all expired.",
                messages.WARNING,
            )


@admin.register(RequestMessage)
class RequestMessageAdmin(admin.ModelAdmin[RequestMessage]):
    """The short threads on requests, searchable; written only by the pair."""

    list_display = ("excerpt", "author", "request", "created_at")
    search_fields = ("body", "author__email", "author__name", "request__subject")
    list_filter = ("request__status",)
    list_select_related = ("author", "request")
    date_hierarchy = "created_at"
    fields = ("request", "author", "body", "created_at")
    readonly_fields = fields

    @admin.display(description="Message")
    def excerpt(self, message: RequestMessage) -> str:
        return str(message)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PauseForm(forms.Form):
    """What both people are told when the program team pauses their mentorship."""

    reason = forms.CharField(
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Both people read this in their email and on the mentorship page.",
    )
    until = forms.DateField(
        required=False,
        label="Until (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"It carries on by itself on this day; at most {MAX_PAUSE_DAYS} days ahead.",
    )


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
    actions = ("pause_selected", "resume_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        permissions=["change"], description="Pause (both are told; future sessions are cancelled)"
    )
    def pause_selected(
        self, request: HttpRequest, queryset: QuerySet[Mentorship]
    ) -> HttpResponse | None:
        form = PauseForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason: str = form.cleaned_data["reason"]
            until: date | None = form.cleaned_data["until"]

            def pause(row: Mentorship) -> None:
                pause_mentorship(
                    user=request.user,  # type: ignore[arg-type]
                    mentorship_id=row.pk,
                    reason=reason,
                    until=until,
                    for_program=True,
                )

            run_each(self, request, queryset, pause, done="{count} mentorship(s) paused.")
            return None
        # First the reason (and an optional end date), on a page of its own.
        return TemplateResponse(
            request,
            "admin/matching/mentorship/pause_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": "Pause mentorships",
                "opts": self.opts,
                "form": form,
                "mentorships": queryset.select_related("mentee", "mentor"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "pause_selected",
            },
        )

    @admin.action(permissions=["change"], description="Resume (both are told)")
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[Mentorship]) -> None:
        def resume(row: Mentorship) -> None:
            resume_mentorship(
                user=request.user,  # type: ignore[arg-type]
                mentorship_id=row.pk,
                for_program=True,
            )

        run_each(self, request, queryset, resume, done="{count} mentorship(s) resumed.")
