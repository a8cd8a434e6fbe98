"""Bulk matches in the admin: start one, watch it solve, review and edit the draft, publish.

Every button posts to a small view that calls the same service as the
`bulk_match` command (`matching.services_bulk`); domain errors come back as
messages. The review page is the run's change page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from matching import services_bulk
from matching.models import Enrolment, MatchRun, MatchRunPair, Program
from matching.reports import Bar, chart_bars
from matching.selectors_bulk import explain_run_pairs
from mentorship.exceptions import DomainError
from profiles.models import User

PAGE_SIZE = 50


class StartRunForm(forms.Form):
    objective = forms.ChoiceField(
        choices=MatchRun.Objective.choices,
        initial=MatchRun.Objective.FIT,
        widget=forms.RadioSelect,
        help_text="Best total fit maximises the sum of all pairs' scores. Most people matched "
        "first places as many mentees as the places allow, then maximises the fit.",
    )
    mode = forms.ChoiceField(
        choices=MatchRun.Mode.choices,
        initial=MatchRun.Mode.FAST,
        widget=forms.RadioSelect,
        help_text="Fast considers each mentee's 32 best mentors and each mentor's 20 best "
        "mentees (within 0.05% of the optimum in our benchmark); exact considers every pair.",
    )


def _summary_text(run: MatchRun) -> str:
    summary = run.summary or {}
    if "matched" not in summary:
        return "—"
    return f"{summary['matched']} of {summary.get('mentees', 0)} matched"


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin[MatchRun]):
    list_display = ("__str__", "program", "status", "objective", "mode", "result", "created_at")
    list_filter = ("status", "objective", "mode", "program")
    search_fields = ("program__name", "program__slug")
    list_select_related = ("program",)
    date_hierarchy = "created_at"
    change_form_template = "admin/matching/matchrun/review.html"

    @admin.display(description="Result")
    def result(self, run: MatchRun) -> str:
        return _summary_text(run)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # --- URLs --------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        own = [
            path("start/<int:program_id>/", view(self.start_view), name="matching_matchrun_start"),
            path("<int:pk>/progress/", view(self.progress_view), name="matching_matchrun_progress"),
            path("<int:pk>/publish/", view(self.publish_view), name="matching_matchrun_publish"),
            path("<int:pk>/rerun/", view(self.rerun_view), name="matching_matchrun_rerun"),
            path("<int:pk>/discard/", view(self.discard_view), name="matching_matchrun_discard"),
            path(
                "<int:pk>/pairs/<int:pair_id>/<str:action>/",
                view(self.pair_view),
                name="matching_matchrun_pair",
            ),
        ]
        return own + super().get_urls()

    def _check(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _review_url(self, run: MatchRun) -> str:
        return reverse("admin:matching_matchrun_change", args=[run.pk])

    # --- Starting ----------------------------------------------------------------------------

    def start_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        self._check(request)
        program = get_object_or_404(Program, pk=program_id)
        form = StartRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services_bulk.start_match_run(
                    program=program,
                    by=request.user,  # type: ignore[arg-type]
                    objective=form.cleaned_data["objective"],
                    mode=form.cleaned_data["mode"],
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Bulk match of {program.name} started.")
                return redirect(self._review_url(run))
        people = Enrolment.objects.filter(program=program).aggregate(
            mentees=Count("pk", filter=Q(role__in=("mentee", "both"))),
            mentors=Count("pk", filter=Q(role__in=("mentor", "both"))),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Run a bulk match of {program.name}",
            "opts": self.model._meta,
            "program": program,
            "form": form,
            "people": people,
            "runs": MatchRun.objects.filter(program=program)[:5],
        }
        return TemplateResponse(request, "admin/matching/matchrun/start.html", context)

    # --- The review page ---------------------------------------------------------------------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        run = get_object_or_404(MatchRun.objects.select_related("program", "parent"), pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.model._meta,
            "original": run,
            "run": run,
            "can_change": self.has_change_permission(request, run),
            **self._draft_context(request, run),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def _draft_context(self, request: HttpRequest, run: MatchRun) -> dict[str, Any]:
        if run.status in MatchRun.ACTIVE or run.status == MatchRun.Status.FAILED:
            return {}
        summary = run.summary or {}
        histogram = summary.get("histogram") or []
        bars = [
            Bar(f"{10 * i}–{10 * i + 10}%", count, "score") for i, count in enumerate(histogram)
        ]
        lines = MatchRunPair.objects.filter(run=run).select_related(
            "mentee", "mentor", "removed_mentor", "mentorship", "request"
        )
        matched = lines.filter(mentor__isnull=False).order_by("-pinned", "-score", "pk")
        page = Paginator(matched, PAGE_SIZE).get_page(request.GET.get("page"))
        pairs = list(page.object_list)
        unmatched = list(lines.filter(mentor__isnull=True).order_by("unmatched_reason", "pk"))
        explanations = explain_run_pairs(run=run, pairs=pairs) if pairs else {}
        mentors: list[dict[str, Any]] = []
        if run.status == MatchRun.Status.DRAFT:
            mentors = _mentor_choices(run)
        return {
            "summary": summary,
            "chart": chart_bars(bars, width=520, height=170) if bars else None,
            "page": page,
            "pairs": [(line, explanations.get(line.pk)) for line in pairs],
            "unmatched": unmatched,
            "mentor_choices": mentors,
            # Swapping is offered with the draft's other pairs (the first 500).
            "swap_choices": list(matched[:500]),
        }

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(MatchRun, pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        response = TemplateResponse(request, "admin/matching/matchrun/_progress.html", {"run": run})
        if run.status not in MatchRun.ACTIVE:
            # Solved (or failed): load the full review page once.
            response["HX-Refresh"] = "true"
        return response

    # --- Buttons -----------------------------------------------------------------------------

    def _act(self, request: HttpRequest, run: MatchRun, action: Any, done: str) -> HttpResponse:
        try:
            action()
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(request.POST.get("next") or self._review_url(run))

    def pair_view(self, request: HttpRequest, pk: int, pair_id: int, action: str) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(MatchRun, pk=pk)
        if request.method != "POST":
            return redirect(self._review_url(run))
        line = get_object_or_404(MatchRunPair.objects.select_related("mentee"), pk=pair_id, run=run)
        user = request.user
        assert isinstance(user, User)
        name = line.mentee.get_short_name()
        if action == "remove":
            return self._act(
                request,
                run,
                lambda: services_bulk.remove_pair(run=run, pair=line, by=user),
                f"{name} is unmatched in this draft; a re-run will not pair them the same way.",
            )
        if action in ("pin", "unpin"):
            return self._act(
                request,
                run,
                lambda: services_bulk.set_pinned(
                    run=run, pair=line, pinned=action == "pin", by=user
                ),
                f"{name}'s pair is {'pinned' if action == 'pin' else 'no longer pinned'}.",
            )
        if action == "assign":
            mentor = User.objects.filter(pk=request.POST.get("mentor") or 0).first()
            if mentor is None:
                messages.error(request, "Choose a mentor.")
                return redirect(self._review_url(run))
            return self._act(
                request,
                run,
                lambda: services_bulk.assign_pair(run=run, pair=line, mentor=mentor, by=user),
                f"{name} now has {mentor.get_short_name()} as mentor (pinned).",
            )
        if action == "swap":
            other = MatchRunPair.objects.filter(pk=request.POST.get("other") or 0, run=run).first()
            if other is None:
                messages.error(request, "Choose the pair to swap with.")
                return redirect(self._review_url(run))
            return self._act(
                request,
                run,
                lambda: services_bulk.swap_mentors(run=run, first=line, second=other, by=user),
                "The two mentees swapped mentors (both pinned).",
            )
        messages.error(request, "Unknown action.")
        return redirect(self._review_url(run))

    def rerun_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(MatchRun, pk=pk)
        if request.method != "POST":
            return redirect(self._review_url(run))
        try:
            new = services_bulk.rerun_match_run(run=run, by=request.user)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self._review_url(run))
        messages.success(request, "Solving again with your edits pinned.")
        return redirect(self._review_url(new))

    def discard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(MatchRun, pk=pk)
        if request.method != "POST":
            return redirect(self._review_url(run))
        return self._act(
            request,
            run,
            lambda: services_bulk.discard_match_run(run=run, by=request.user),  # type: ignore[arg-type]
            "Draft discarded: nobody was told anything.",
        )

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(MatchRun.objects.select_related("program"), pk=pk)
        if request.method == "POST":
            try:
                done = services_bulk.publish_match_run(run=run, by=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                messages.error(request, str(error))
            else:
                made = (
                    f"{done.mentorships} mentorship(s) started"
                    if done.mentorships
                    else f"{done.introductions} introduction(s) sent"
                )
                messages.success(request, f"Published: {made}; {done.notified} people told.")
                for reason in done.skipped[:10]:
                    messages.warning(request, f"Not published: {reason}.")
            return redirect(self._review_url(run))
        matched = MatchRunPair.objects.filter(run=run, mentor__isnull=False)
        people = matched.aggregate(pairs=Count("pk"), mentors=Count("mentor", distinct=True))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Publish {run}?",
            "opts": self.model._meta,
            "run": run,
            "people": people,
            "assigned": run.program.matching_mode == Program.MatchingMode.ADMIN_ASSIGNED,
        }
        return TemplateResponse(request, "admin/matching/matchrun/publish.html", context)


def _mentor_choices(run: MatchRun) -> list[dict[str, Any]]:
    """The programme's mentors with their places left in this draft (three queries)."""
    from matching.models import Mentorship

    mentors = list(
        User.objects.filter(
            enrolments__program_id=run.program_id, enrolments__role__in=("mentor", "both")
        )
        .select_related("profile")
        .order_by("name", "email")
    )
    ids = [m.pk for m in mentors]
    live = dict(
        Mentorship.objects.live()
        .filter(mentor_id__in=ids)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    drafted = dict(
        MatchRunPair.objects.filter(run=run, mentor_id__in=ids)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    choices = []
    for mentor in mentors:
        capacity = getattr(getattr(mentor, "profile", None), "capacity", 0)
        left = capacity - live.get(mentor.pk, 0) - drafted.get(mentor.pk, 0)
        choices.append({"id": mentor.pk, "name": mentor.display_name, "left": left})
    return choices


@admin.register(MatchRunPair)
class MatchRunPairAdmin(admin.ModelAdmin[MatchRunPair]):
    """Read-only lines of runs (edits happen on the run's review page)."""

    list_display = (
        "mentee",
        "mentor",
        "score_percent",
        "unmatched_reason",
        "pinned",
        "edited",
        "run_link",
    )
    list_filter = ("unmatched_reason", "pinned", "edited", "run__program")
    search_fields = ("mentee__email", "mentee__name", "mentor__email", "mentor__name")
    list_select_related = ("mentee", "mentor", "run", "run__program")
    readonly_fields = (
        "run", "mentee", "mentor", "score", "unmatched_reason", "removed_mentor", "pinned",
        "edited", "request", "mentorship",
    )  # fmt: skip

    @admin.display(description="Score", ordering="score")
    def score_percent(self, line: MatchRunPair) -> str:
        return "—" if line.score is None else f"{round(100 * line.score)}%"

    @admin.display(description="Run")
    def run_link(self, line: MatchRunPair) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_matchrun_change", args=[line.run_id]),
            line.run,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
