"""Browse mentors (htmx filters), one mentor's fit, and the mentee's side of outreach:
the composer with live hints, their sent requests and one request's page.

Reads through selectors, writes through services; a service's refusal is shown
to the person with everything they typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from matching import services
from matching.forms import MentorFilterForm, OutreachForm, filter_options
from matching.models import MentorshipRequest, Program
from matching.outreach import Hint, MentorFacts, OutreachParts, review_outreach
from matching.selectors import (
    MentorFilters,
    MentorMatch,
    get_mentor_match,
    get_outreach_facts,
    get_outreach_state,
    get_request_for_mentee,
    list_goals_for_outreach,
    list_request_messages,
    list_sent_requests,
    rank_mentors,
)
from matching.selectors_programs import browsable_programs, mentor_in_program
from mentorship.exceptions import Conflict, DomainError, LimitReached, RuleViolation
from mentorship.types import AuthenticatedHttpRequest
from profiles.availability import Window, week_start_for, windows_in_viewer_zone
from profiles.selectors import get_public_profile

PAGE_SIZE = 10


def _page_number(request: AuthenticatedHttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
@vary_on_headers("HX-Request")
def browse(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MentorFilterForm(request.GET or None, user=request.user)
    filters = MentorFilters()
    if form.is_bound:
        form.is_valid()
        # A mistyped filter is shown with its error; the valid ones still apply.
        filters = form.filters()
    page = rank_mentors(
        user=request.user, filters=filters, page=_page_number(request), page_size=PAGE_SIZE
    )
    programs = list(browsable_programs(user=request.user).only("slug", "name").order_by("name"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "filtered": form.is_filtered(),
        "viewer_zone": page.facts.time_zone,
        "gaps": page.matches[0].explanation.inactive if page.matches else [],
        "options": filter_options(page.vocab, form, programs),
        "filter_errors": [
            f"{form.fields[name].label or name}: {' '.join(str(e) for e in errors)}"
            for name, errors in (form.errors.items() if form.is_bound else [])
        ],
        "has_programs": bool(programs),
        # Each card links to browse_url + id + mentor_url_end: one reverse() and one
        # programme check per page, not per card.
        "browse_url": reverse("matching:browse"),
        "mentor_url_end": (
            "/?" + urlencode({"program": filters.program.slug}) if filters.program else "/"
        ),
        "availability_url": reverse("profiles:availability"),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "matching/_results.html", context)
    return render(request, "matching/browse.html", context)


@login_required
@require_safe
def mentor(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    if mentor_id == request.user.pk:
        return redirect("profiles:public", user_id=mentor_id)
    program = _program(request, mentor_id)
    match = get_mentor_match(user=request.user, mentor_id=mentor_id, program=program)
    profile = get_public_profile(viewer=request.user, user_id=mentor_id)
    viewer_zone = timezone.get_current_timezone_name()
    windows = [Window(w.weekday, w.start_minute, w.end_minute) for w in profile.availability.all()]
    return render(
        request,
        "matching/mentor.html",
        {
            "outreach": get_outreach_state(mentee=request.user, profile=match.profile),
            "compose_url": _compose_url(mentor_id, program),
            "match": match,
            "explanation": match.explanation,
            "profile": profile,
            "person": profile.user,
            "program": program,
            "availability": windows_in_viewer_zone(
                windows, profile.time_zone, viewer_zone, week_start_for(timezone.now())
            ),
            "viewer_zone": viewer_zone,
        },
    )


# --- Outreach: the composer ---------------------------------------------------------------


def _program(request: AuthenticatedHttpRequest, mentor_id: int) -> Program | None:
    """The programme in ?program=, when it is one of the person's and the mentor is in it
    (None otherwise: the page then shows the open directory's fit)."""
    form = MentorFilterForm(request.GET or None, user=request.user)
    program = form.cleaned_data.get("program") if form.is_bound and form.is_valid() else None
    if program is not None and not mentor_in_program(program=program, mentor_id=mentor_id):
        return None
    return program


def _compose_url(mentor_id: int, program: Program | None) -> str:
    url = reverse("matching:compose", args=[mentor_id])
    return f"{url}?{urlencode({'program': program.slug})}" if program else url


def _facts(match: MentorMatch, skills: list[str]) -> MentorFacts:
    profile = match.profile
    return MentorFacts(
        headline=profile.headline,
        role=profile.current_role,
        organisation=profile.organisation,
        skills=tuple(skills),
    )


def _preview(request: AuthenticatedHttpRequest, form: OutreachForm) -> dict[str, Any]:
    """The request as the mentor will read it."""
    parts: OutreachParts = form.parts()
    return {
        "subject": parts.subject.strip(),
        "message": parts.message,
        "ask": MentorshipRequest.Ask(form.chosen_ask()).label,
        "goal": form.chosen_goal(),
        "mentee_name": request.user.display_name,
        "words": parts.words,
    }


def _feedback(form: OutreachForm, facts: MentorFacts) -> dict[str, Any]:
    parts = form.parts()
    hints: list[Hint] = review_outreach(parts, facts)
    return {
        "has_goals": parts.has_goals,
        "hints": hints,
        "blocking": [hint for hint in hints if hint.blocking],
        "advice": [hint for hint in hints if not hint.blocking],
    }


# Which field a service refusal is about, so it is shown there as well as at the top.
_ERROR_FIELDS = {"subject_missing": "subject", "message_missing": "opening", "goal_unknown": "goal"}


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    """Write a request: Preview re-renders with hints and the preview, Send sends."""
    if mentor_id == request.user.pk:
        return redirect("profiles:public", user_id=mentor_id)
    program = _program(request, mentor_id)
    match = get_mentor_match(user=request.user, mentor_id=mentor_id, program=program)
    mentor_user = match.profile.user
    form = OutreachForm(
        request.POST if request.method == "POST" else None,
        goals=list_goals_for_outreach(user=request.user),
        mentor_name=mentor_user.get_short_name(),
    )
    error = ""
    if request.method == "POST" and request.POST.get("action") == "send":
        if form.is_valid():
            try:
                sent = services.send_request(
                    mentee=request.user,
                    mentor_id=mentor_id,
                    subject=form.cleaned_data["subject"],
                    message=form.parts().message,
                    goal=form.chosen_goal(),
                    ask=form.cleaned_data["ask"],
                    program=program,
                )
            except (RuleViolation, Conflict, LimitReached) as refusal:
                error = refusal.message
                field = _ERROR_FIELDS.get(refusal.code)
                if field:
                    form.add_error(field, refusal.message)
            else:
                messages.success(
                    request,
                    f"Your request is on its way to {mentor_user.get_short_name()}. "
                    "We will let you know when they answer.",
                )
                return redirect("matching:request", pk=sent.pk)
        else:
            error = "Some parts need a look before this can be sent: see the notes below."
    state = get_outreach_state(mentee=request.user, profile=match.profile)
    expertise = list(match.profile.expertise.select_related("skill"))
    return render(
        request,
        "matching/compose.html",
        {
            "form": form,
            "match": match,
            "profile": match.profile,
            "person": mentor_user,
            "program": program,
            "state": state,
            # Once something was posted the form stays, whatever the state now.
            "show_form": request.method == "POST" or not state.blocker,
            "error": error,
            "action_url": _compose_url(mentor_id, program),
            "hints_url": reverse("matching:compose_hints", args=[mentor_id]),
            "expertise": expertise,
            "preview": _preview(request, form),
            **_feedback(form, _facts(match, [item.skill.name for item in expertise])),
        },
    )


@login_required
@require_POST
def compose_hints(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    """The hints and the preview for a draft (htmx, as the mentee types): nothing is saved."""
    if mentor_id == request.user.pk:
        raise Http404("This is you.")
    facts = get_outreach_facts(mentor_id=mentor_id)
    form = OutreachForm(
        request.POST, goals=list_goals_for_outreach(user=request.user), mentor_name=""
    )
    return render(
        request,
        "matching/_compose_feedback.html",
        {"preview": _preview(request, form), **_feedback(form, facts)},
    )


# --- Outreach: the mentee's sent requests ----------------------------------------------

REQUESTS_PAGE_SIZE = 20


@login_required
@require_safe
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    paginator = Paginator(list_sent_requests(user=request.user), REQUESTS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "matching/requests.html", {"page": page, "requests_sent": page.object_list}
    )


def _request_page(
    request: AuthenticatedHttpRequest,
    sent: MentorshipRequest,
    *,
    answer: str = "",
    error: str = "",
) -> HttpResponse:
    thread = list_request_messages(request=sent)
    asked = any(message.author_id == sent.mentor_id for message in thread)
    return render(
        request,
        "matching/request.html",
        {
            "sent": sent,
            "mentor_user": sent.mentor,
            "thread": thread,
            "can_answer": asked and sent.status == MentorshipRequest.Status.PENDING,
            "waiting_for_you": bool(thread) and thread[-1].author_id == sent.mentor_id,
            "answer": answer,
            "error": error,
            "mentorship": getattr(sent, "mentorship", None)
            if sent.status == MentorshipRequest.Status.ACCEPTED
            else None,
        },
    )


@login_required
@require_safe
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, get_request_for_mentee(user=request.user, pk=pk))


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sent = get_request_for_mentee(user=request.user, pk=pk)
    try:
        services.withdraw_request(mentee=request.user, request_id=sent.pk)
    except MentorshipRequest.DoesNotExist as missing:
        raise Http404("No such request.") from missing
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"Your request to {sent.mentor.get_short_name()} is withdrawn. "
            "You can write to them again later.",
        )
    return redirect("matching:request", pk=sent.pk)


@login_required
@require_POST
def request_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sent = get_request_for_mentee(user=request.user, pk=pk)
    body = request.POST.get("body", "")
    try:
        services.add_message(user=request.user, request_id=sent.pk, body=body)
    except MentorshipRequest.DoesNotExist as missing:
        raise Http404("No such request.") from missing
    except DomainError as refusal:
        return _request_page(request, sent, answer=body, error=refusal.message)
    messages.success(request, f"Your answer is sent to {sent.mentor.get_short_name()}.")
    return redirect("matching:request", pk=sent.pk)
