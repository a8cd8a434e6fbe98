"""Check-in pages: write one (the mentee), read and acknowledge one (the mentor), the history.

Reads go through selectors, writes through services; someone else's mentorship
or check-in is a 404, and a rule the service refuses is shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from matching.models import Mentorship
from matching.selectors import get_mentorship_for_participant
from mentorship.exceptions import DomainError
from mentorship.types import AuthenticatedHttpRequest
from sessions_app import schedule
from sessions_app.forms_checkins import AcknowledgeForm, CheckInForm
from sessions_app.models import CheckIn
from sessions_app.schedule import checkin_due_on
from sessions_app.selectors import checkins as selectors
from sessions_app.services import checkins as services

PAGE_SIZE = 10


def _checkin_form_page(
    request: AuthenticatedHttpRequest,
    mentorship: Mentorship,
    form: CheckInForm,
    *,
    status: int = 200,
) -> HttpResponse:
    last = selectors.list_checkins_of_mentorship(mentorship=mentorship).first()
    due_on = checkin_due_on(
        frequency=mentorship.frequency,
        started_at=mentorship.started_at,
        resumed_at=mentorship.resumed_at,
        last_checkin_at=last.created_at if last else None,
    )
    stage = schedule.checkin_stage(due_on=due_on, today=timezone.now().date())
    return render(
        request,
        "sessions_app/checkins/new.html",
        {
            "mentorship": mentorship,
            "mentor": mentorship.mentor,
            "form": form,
            "due_on": due_on,
            "stage": stage,
            "last": last,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_participant(user=request.user, pk=pk)
    if mentorship.mentee_id != request.user.pk:
        # The mentee's own page: the mentor reads check-ins, never writes them.
        raise Http404("Only the mentee writes check-ins.")
    milestones = selectors.open_milestones_for_checkin(mentorship=mentorship)
    if request.method != "POST":
        if mentorship.status != Mentorship.Status.ACTIVE:
            messages.error(
                request,
                "Check-ins resume when the mentorship is active again."
                if mentorship.status == Mentorship.Status.PAUSED
                else "This mentorship has ended, so there are no more check-ins.",
            )
            return redirect("matching:mentorship", pk=pk)
        return _checkin_form_page(request, mentorship, CheckInForm(milestones=milestones))
    form = CheckInForm(request.POST, milestones=milestones)
    if not form.is_valid():
        return _checkin_form_page(request, mentorship, form, status=400)
    data = form.cleaned_data
    try:
        checkin = services.record_checkin(
            user=request.user,
            mentorship_id=mentorship.pk,
            progress=data["progress"],
            wins=data["wins"],
            blockers=data["blockers"],
            next_steps=data["next_steps"],
            milestone_ids=[m.pk for m in data["milestones"]],
            form_token=data["token"],
        )
    except DomainError as error:
        if error.code == "already_saved":
            # The second click of a double submit: show the one that was saved.
            messages.info(request, error.message)
            return redirect("sessions_app:checkin", pk=error.checkin_id)  # type: ignore[attr-defined]
        form.add_error(None, error.message)
        return _checkin_form_page(request, mentorship, form, status=409)
    reached = len(data["milestones"])
    text = f"Check-in sent. {mentorship.mentor.get_short_name()} is told."
    if reached:
        text = f"🎉 {reached} milestone{'s' if reached != 1 else ''} reached! " + text
    messages.success(request, text)
    return redirect("sessions_app:checkin", pk=checkin.pk)


def _checkin_page(
    request: AuthenticatedHttpRequest,
    checkin: CheckIn,
    *,
    form: AcknowledgeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mentorship = checkin.mentorship
    is_mentor = mentorship.mentor_id == request.user.pk
    return render(
        request,
        "sessions_app/checkins/detail.html",
        {
            "checkin": checkin,
            "mentorship": mentorship,
            "role": "mentor" if is_mentor else "mentee",
            "other": mentorship.mentee if is_mentor else mentorship.mentor,
            "form": form or AcknowledgeForm(initial={"comment": checkin.mentor_comment}),
            "progress_label": dict(CheckInForm.base_fields["progress"].choices)[  # type: ignore[attr-defined]
                checkin.progress
            ],
        },
        status=status,
    )


@login_required
@require_safe
def checkin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _checkin_page(request, selectors.get_checkin_for_participant(user=request.user, pk=pk))


@login_required
@require_POST
def checkin_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    current = selectors.get_checkin_for_participant(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _checkin_page(request, current, form=form, status=400)
    was_acknowledged = current.is_acknowledged
    try:
        services.acknowledge_checkin(
            user=request.user, checkin_id=pk, comment=form.cleaned_data["comment"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sessions_app:checkin", pk=pk)
    name = current.mentorship.mentee.get_short_name()
    if was_acknowledged:
        messages.success(request, "Your comment is saved.")
    else:
        messages.success(request, f"Acknowledged. {name} sees your reply.")
    if request.POST.get("next") == "mentorship":
        return redirect("matching:mentorship", pk=current.mentorship_id)
    return redirect("sessions_app:checkin", pk=pk)


@login_required
@require_safe
def checkins(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_participant(user=request.user, pk=pk)
    is_mentor = mentorship.mentor_id == request.user.pk
    page = Paginator(
        selectors.list_checkins_of_mentorship(mentorship=mentorship), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/checkins/list.html",
        {
            "mentorship": mentorship,
            "role": "mentor" if is_mentor else "mentee",
            "other": mentorship.mentee if is_mentor else mentorship.mentor,
            "page": page,
            "trend": selectors.progress_trend(selectors.recent_ratings(mentorship=mentorship)),
            "can_check_in": not is_mentor and mentorship.status == Mentorship.Status.ACTIVE,
        },
    )
