"""Programmes in the admin: settings, their people (with CSV import/export), and the
pair rules of bulk matching."""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm

from matching.models import Enrolment, MatchRun, PairRule, Program, new_invite_code
from matching.resources import ParticipantResource

MENTEE_ROLES = ("mentee", "both")
MENTOR_ROLES = ("mentor", "both")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = (
        "name", "timing", "kind", "matching_mode", "mentees", "mentors", "live_mentorships",
        "run_link",
    )  # fmt: skip
    list_filter = ("kind", "timing", "matching_mode")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("effective_weights", "invite_link", "people_links", "created_at")
    actions = ("regenerate_invite_links",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "description", "people_links")}),
        ("Dates", {"fields": ("timing", "starts_on", "ends_on")}),
        (
            "Matching",
            {
                "fields": (
                    "matching_mode",
                    "weights",
                    "effective_weights",
                    "exclude_same_organisation",
                    "exclude_previous_pairs",
                )
            },
        ),
        (
            "Outreach rules",
            {"fields": ("max_open_requests", "request_reminder_days", "request_expiry_days")},
        ),
        ("Rhythm", {"fields": ("checkin_frequency",)}),
        ("Joining", {"fields": ("enrolment_open", "invite_link", "created_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        # The counts as subqueries: one query for the page whatever its length.
        return (
            super()
            .get_queryset(request)
            .annotate(
                mentee_count=Count(
                    "enrolments", filter=Q(enrolments__role__in=MENTEE_ROLES), distinct=True
                ),
                mentor_count=Count(
                    "enrolments", filter=Q(enrolments__role__in=MENTOR_ROLES), distinct=True
                ),
                live_count=Count(
                    "mentorships",
                    filter=Q(mentorships__status__in=("active", "paused")),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="Mentees", ordering="mentee_count")
    def mentees(self, program: Program) -> int:
        return getattr(program, "mentee_count", 0)

    @admin.display(description="Mentors", ordering="mentor_count")
    def mentors(self, program: Program) -> int:
        return getattr(program, "mentor_count", 0)

    @admin.display(description="Live mentorships", ordering="live_count")
    def live_mentorships(self, program: Program) -> int:
        return getattr(program, "live_count", 0)

    @admin.display(description="Bulk match")
    def run_link(self, program: Program) -> str:
        return format_html(
            '<a href="{}">Run…</a>', reverse("admin:matching_matchrun_start", args=[program.pk])
        )

    @admin.display(description="Weights in use")
    def effective_weights(self, program: Program) -> str:
        return format_html_join(
            "",
            "<div>{}: {}%</div>",
            ((label, percent) for label, percent in program.weight_shares()),
        )

    @admin.display(description="Invite link")
    def invite_link(self, program: Program) -> str:
        if not program.pk:
            return "Saved programmes get a link."
        path = reverse("matching:program_join", kwargs={"code": program.invite_code})
        request = getattr(self, "_request", None)
        url = request.build_absolute_uri(path) if request else path
        state = "" if program.enrolment_open else " (closed: nobody can join with it now)"
        return format_html(
            '<input type="text" readonly value="{}" size="60" class="select-on-focus"> {}',
            url,
            state,
        )

    @admin.display(description="People and matching")
    def people_links(self, program: Program) -> str:
        if not program.pk:
            return "Save the programme first."
        enrolments = reverse("admin:matching_enrolment_changelist")
        return format_html(
            '<a class="button" href="{}?program__id__exact={}">People ({})</a> '
            '<a class="button" href="{}?program={}">Import participants</a> '
            '<a class="button" href="{}">Run bulk match</a> '
            '<a class="button" href="{}?program__id__exact={}">Pair rules</a> '
            '<a class="button" href="{}?program__id__exact={}">Bulk match runs</a>',
            enrolments, program.pk, program.enrolments.count(),
            reverse("admin:matching_enrolment_import"), program.pk,
            reverse("admin:matching_matchrun_start", args=[program.pk]),
            reverse("admin:matching_pairrule_changelist"), program.pk,
            reverse("admin:matching_matchrun_changelist"), program.pk,
        )  # fmt: skip

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        self._request = request  # the invite link is shown as a full address
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Regenerate the invite link (the old one stops working)")
    def regenerate_invite_links(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        for program in queryset:
            program.invite_code = new_invite_code()
            program.save(update_fields=["invite_code"])
        messages.success(request, f"New invite links for {queryset.count()} programme(s).")


class ProgramImportForm(ImportForm):
    program = forms.ModelChoiceField(
        Program.objects.order_by("name"),
        help_text="The programme the people in the file join (or change their role in).",
    )


class ProgramConfirmImportForm(ConfirmImportForm):
    program = forms.ModelChoiceField(Program.objects.all(), widget=forms.HiddenInput())


@admin.register(Enrolment)
class EnrolmentAdmin(ImportExportModelAdmin):
    """Who is in which programme; CSV import (with a preview) and export of participants."""

    resource_classes = [ParticipantResource]
    import_form_class = ProgramImportForm
    confirm_form_class = ProgramConfirmImportForm
    list_display = ("person", "email", "role", "program", "source", "organisation", "joined_at")
    list_filter = ("program", "role", "source")
    search_fields = ("user__email", "user__name", "user__profile__organisation")
    list_select_related = ("user__profile", "program")
    autocomplete_fields = ("user",)
    date_hierarchy = "joined_at"
    actions = ("make_mentees", "make_mentors", "make_both")

    @admin.display(description="Person", ordering="user__name")
    def person(self, enrolment: Enrolment) -> str:
        return enrolment.user.display_name

    @admin.display(description="Email", ordering="user__email")
    def email(self, enrolment: Enrolment) -> str:
        return enrolment.user.email

    @admin.display(description="Organisation")
    def organisation(self, enrolment: Enrolment) -> str:
        profile = getattr(enrolment.user, "profile", None)
        return profile.organisation if profile else ""

    def import_action(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().import_action(request, *args, **kwargs)
        # The dry-run preview marks changed cells with diff-match-patch's <ins style=...>:
        # style attributes only, on this page only (scripts stay 'self').
        response._csp_update = {"style-src-attr": [UNSAFE_INLINE]}  # type: ignore[attr-defined]
        return response

    def get_import_form_initial(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_import_form_initial(request)
        if request.GET.get("program"):
            initial["program"] = request.GET["program"]
        return initial

    def get_confirm_form_initial(self, request: HttpRequest, import_form: Any) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["program"] = import_form.cleaned_data["program"].pk
        return initial

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs: dict[str, Any] = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data"):
            resource_kwargs["program"] = form.cleaned_data.get("program")
        return resource_kwargs

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs: dict[str, Any] = super().get_export_resource_kwargs(request, **kwargs)
        program_id = request.GET.get("program__id__exact")
        resource_kwargs["program"] = (
            Program.objects.filter(pk=program_id).first() if program_id else None
        )
        return resource_kwargs

    def get_export_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_export_queryset(request)
            .select_related("user__profile__industry")
            .prefetch_related(
                "user__profile__languages__language",
                "user__profile__expertise__skill",
                "user__profile__availability",
            )
        )

    def _set_role(self, request: HttpRequest, queryset: QuerySet[Enrolment], role: str) -> None:
        from matching.services_programs import join_program

        for enrolment in queryset.select_related("user", "program"):
            join_program(
                user=enrolment.user,
                program=enrolment.program,
                role=role,
                source=Enrolment.Source.ADMIN,
            )
        messages.success(request, f"{queryset.count()} enrolment(s) changed.")

    @admin.action(description="Make them mentees in the programme")
    def make_mentees(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._set_role(request, queryset, "mentee")

    @admin.action(description="Make them mentors in the programme")
    def make_mentors(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._set_role(request, queryset, "mentor")

    @admin.action(description="Make them both mentees and mentors")
    def make_both(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._set_role(request, queryset, "both")


class PairRuleForm(forms.ModelForm[PairRule]):
    class Meta:
        model = PairRule
        fields = ("program", "mentee", "mentor", "kind", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program, mentee, mentor = data.get("program"), data.get("mentee"), data.get("mentor")
        if program and mentee and mentor:
            roles = dict(
                Enrolment.objects.filter(program=program, user__in=(mentee, mentor)).values_list(
                    "user_id", "role"
                )
            )
            if roles.get(mentee.pk) not in MENTEE_ROLES:
                self.add_error("mentee", f"{mentee} is not a mentee in {program}.")
            if roles.get(mentor.pk) not in MENTOR_ROLES:
                self.add_error("mentor", f"{mentor} is not a mentor in {program}.")
            if mentee == mentor:
                self.add_error("mentor", "A person cannot mentor themself.")
        return data


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin[PairRule]):
    form = PairRuleForm
    list_display = ("program", "kind", "mentee", "mentor", "note", "created_at")
    list_filter = ("program", "kind")
    search_fields = ("mentee__email", "mentee__name", "mentor__email", "mentor__name", "note")
    list_select_related = ("program", "mentee", "mentor")
    autocomplete_fields = ("mentee", "mentor")

    def save_model(self, request: HttpRequest, obj: PairRule, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


__all__ = ["EnrolmentAdmin", "MatchRun", "PairRuleAdmin", "ProgramAdmin"]
