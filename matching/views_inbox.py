"""The mentor's inbox (one request at a time: accept, decline, ask) and the mentorship pages.

Reads go through selectors, writes through services; a domain error is shown
to the person next to what they typed, and someone else's request or
mentorship is a 404.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from matching import selectors, services
from matching.explanations import Explanation
from matching.forms_inbox import (
    AcceptForm,
    AgreementForm,
    DeclineForm,
    QuestionForm,
    agreement_initial,
)
from matching.models import Mentorship, MentorshipRequest
from mentorship.exceptions import DomainError
from mentorship.types import AuthenticatedHttpRequest
from profiles.models import Format, Profile, Trait, User
from sessions_app.health import Health
from sessions_app.selectors.checkins import checkin_panel
from sessions_app.selectors.closing import closing_panel
from sessions_app.selectors.health import health_for_mentorships
from sessions_app.selectors.sessions import session_panel

Status = MentorshipRequest.Status


# --- Helpers ---------------------------------------------------------------------------


def expires_at(request: MentorshipRequest) -> datetime:
    """When an unanswered request expires (the service's rule, shown on the page)."""
    return services.expires_at(request)


def waited(request: MentorshipRequest) -> str:
    """How long the request has waited, in days: what a mentor weighs when answering."""
    days = (timezone.now() - request.created_at).days
    if days < 1:
        return "Arrived today"
    return f"Waiting {days} day{'s' if days != 1 else ''}"


def _mentor_state(user: User) -> dict[str, Any]:
    """Whether the person mentors, and whether new requests can reach them (one query)."""
    row = (
        Profile.objects.filter(user=user)
        .values("is_mentor", "accepting_mentees", "paused_until", "capacity")
        .first()
    )
    if row is None:
        return {"is_mentor": False, "accepting_mentees": False, "paused_until": None, "capacity": 0}
    return dict(row)


def _labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    known = dict(choices.choices)
    return [str(known[value]).lower() for value in values if value in known]


def _show_error(form: forms.Form, error: DomainError, field: str | None = None) -> None:
    form.add_error(field, error.message)


@dataclass(frozen=True)
class ContactLink:
    href: str
    label: str


def contact_links(profile: Profile | None) -> list[ContactLink]:
    """The profile's contact links that are safe to link to: http(s) and mailto only."""
    links = []
    for raw in (profile.contact_links if profile else None) or []:
        if not isinstance(raw, str):
            continue
        link = raw.strip()
        parsed = urlparse(link)
        if parsed.scheme == "mailto" and "@" in parsed.path:
            links.append(ContactLink(link, parsed.path))
        elif parsed.scheme in {"http", "https"} and parsed.netloc:
            label = (parsed.netloc + parsed.path).removeprefix("www.").rstrip("/")
            links.append(ContactLink(link, label))
    return links


# --- The inbox -----------------------------------------------------------------------


@dataclass(frozen=True)
class InboxCard:
    request: MentorshipRequest
    explanation: Explanation | None
    expires_at: datetime
    waited: str
    questions: int


@login_required
@require_safe
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    state = _mentor_state(user)
    pending = list(selectors.list_requests_received(user=user))
    explanations = (
        selectors.explain_mentees_for_mentor(mentor=user, mentees=[r.mentee for r in pending])
        if pending
        else {}
    )
    cards = [
        InboxCard(r, explanations.get(r.mentee_id), expires_at(r), waited(r), len(r.messages.all()))
        for r in pending
    ]
    is_mentor = state["is_mentor"] or bool(pending)
    answered = selectors.list_requests_answered(user=user) if is_mentor else []
    taken = services.places_taken(user) if is_mentor else 0
    return render(
        request,
        "matching/inbox.html",
        {
            "cards": cards,
            "answered": answered,
            "state": state,
            "is_mentor": is_mentor,
            "places_left": max(state["capacity"] - taken, 0),
        },
    )


def _request_page(
    request: AuthenticatedHttpRequest,
    mentorship_request: MentorshipRequest,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    question_form: QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    mentee = mentorship_request.mentee
    goals = selectors.mentee_goals_for_request(request=mentorship_request)
    persona = selectors.get_persona_of_mentee(request=mentorship_request)
    context = {
        "req": mentorship_request,
        "mentee": mentee,
        "mentee_profile": getattr(mentee, "profile", None),
        "goals": goals,
        "persona": persona,
        "persona_traits": _labels(Trait, persona.traits if persona else []),
        "persona_formats": _labels(Format, persona.formats if persona else []),
        "explanation": selectors.explain_mentee_for_mentor(mentor=user, mentee=mentee),
        "thread": list(mentorship_request.messages.select_related("author")),
        "expires_at": expires_at(mentorship_request),
        "waited": waited(mentorship_request),
        "is_pending": mentorship_request.status == Status.PENDING,
        "state": _mentor_state(user),
        "accept_form": accept_form or AcceptForm(),
        "decline_form": decline_form or DeclineForm(),
        "question_form": question_form or QuestionForm(),
        "mentorship": getattr(mentorship_request, "mentorship", None)
        if mentorship_request.status == Status.ACCEPTED
        else None,
    }
    return render(request, "matching/inbox_request.html", context, status=status)


def _refused(
    request: AuthenticatedHttpRequest,
    mentorship_request: MentorshipRequest,
    form: forms.Form,
    error: DomainError,
    field: str | None = None,
) -> None:
    """Show a service's refusal: next to the form while the request still waits, or at
    the top of the page once it has an outcome (the forms are gone then)."""
    mentorship_request.refresh_from_db()
    if mentorship_request.status == Status.PENDING:
        _show_error(form, error, field)
    else:
        messages.error(request, error.message)


@login_required
@require_safe
def inbox_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, selectors.get_request_for_mentor(user=request.user, pk=pk))


@login_required
@require_POST
def inbox_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship_request = selectors.get_request_for_mentor(user=request.user, pk=pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _request_page(request, mentorship_request, accept_form=form, status=400)
    try:
        mentorship = services.accept_request(
            mentor=request.user,
            request_id=mentorship_request.pk,
            welcome_note=form.cleaned_data["welcome_note"],
        )
    except DomainError as error:
        _refused(request, mentorship_request, form, error)
        return _request_page(request, mentorship_request, accept_form=form, status=409)
    name = mentorship_request.mentee.get_short_name()
    messages.success(
        request,
        f"You accepted {name}'s request: your mentorship has started. "
        f"Next, agree on how you will work together; {name} confirms it too.",
    )
    return redirect("matching:mentorship", pk=mentorship.pk)


@login_required
@require_POST
def inbox_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship_request = selectors.get_request_for_mentor(user=request.user, pk=pk)
    form = DeclineForm(request.POST)
    # Either the "Decline and pause me" button or the checkbox.
    pause = request.POST.get("pause") in {"1", "on", "true"}
    if not form.is_valid():
        return _request_page(request, mentorship_request, decline_form=form, status=400)
    try:
        services.decline_request(
            mentor=request.user,
            request_id=mentorship_request.pk,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            pause=pause,
        )
    except DomainError as error:
        _refused(request, mentorship_request, form, error)
        return _request_page(request, mentorship_request, decline_form=form, status=409)
    name = mentorship_request.mentee.get_short_name()
    if pause:
        messages.success(
            request,
            f"You declined {name}'s request and paused new requests. Nobody new can "
            "write to you until you tick “I am accepting new mentees” on your profile again.",
        )
    else:
        messages.success(
            request, f"You declined {name}'s request. {name} is told, with other mentors to try."
        )
    return redirect("matching:inbox")


@login_required
@require_POST
def inbox_ask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship_request = selectors.get_request_for_mentor(user=request.user, pk=pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _request_page(request, mentorship_request, question_form=form, status=400)
    try:
        services.add_message(
            user=request.user, request_id=mentorship_request.pk, body=form.cleaned_data["body"]
        )
    except DomainError as error:
        _refused(request, mentorship_request, form, error, "body")
        return _request_page(request, mentorship_request, question_form=form, status=409)
    messages.success(
        request,
        f"Your question is sent. {mentorship_request.mentee.get_short_name()} answers here.",
    )
    return redirect(reverse("matching:inbox_request", args=[pk]) + "#thread")


# --- Mentorships -----------------------------------------------------------------------


def current_terms(mentorship: Mentorship) -> services.AgreementTerms:
    return services.AgreementTerms(
        frequency=mentorship.frequency,
        session_minutes=mentorship.session_minutes or 0,
        channel=mentorship.channel,
        planned_end=mentorship.planned_end,
        boundaries=mentorship.boundaries,
        confidentiality=mentorship.confidentiality,
    )


def terms_token(mentorship: Mentorship) -> str:
    """A fingerprint of the terms on the page: "confirm as is" confirms only what was seen."""
    terms = current_terms(mentorship)
    text = repr([getattr(terms, name) for name in services.AGREEMENT_FIELDS])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Agreement:
    """Where the agreement stands, from the viewer's side."""

    key: str  # "unwritten" | "yours" | "theirs" | "agreed"
    label: str
    agreed_on: datetime | None = None


def agreement_state(mentorship: Mentorship, user: User, other: User) -> Agreement:
    name = other.get_short_name()
    mine, theirs = mentorship.confirmed_by(user.pk), mentorship.confirmed_by(other.pk)
    if mine and theirs:
        stamps = [mentorship.mentee_confirmed_at, mentorship.mentor_confirmed_at]
        return Agreement("agreed", "Agreed", max(s for s in stamps if s is not None))
    if theirs:
        return Agreement("yours", "Waiting for your confirmation")
    if mine:
        return Agreement("theirs", f"Waiting for {name}")
    return Agreement("unwritten", "Agreement not written yet")


@dataclass(frozen=True)
class MentorshipRow:
    mentorship: Mentorship
    role: str  # the viewer's own role: "mentor" | "mentee"
    other: User
    agreement: Agreement
    health: Health | None = None


def mentorship_rows(user: User, *, with_health: bool = False) -> list[MentorshipRow]:
    """The person's mentorships with their role, the other person, the agreement's state
    and, `with_health`, the health label (two more queries, whatever the number)."""
    rows = []
    found = selectors.list_mentorships_page(user=user)
    health = health_for_mentorships(found, now=timezone.now(), viewer=user) if with_health else {}
    for mentorship in found:
        is_mentor = mentorship.mentor_id == user.pk
        other = mentorship.mentee if is_mentor else mentorship.mentor
        rows.append(
            MentorshipRow(
                mentorship,
                "mentor" if is_mentor else "mentee",
                other,
                agreement_state(mentorship, user, other),
                health.get(mentorship.pk),
            )
        )
    return rows


@login_required
@require_safe
def mentorships(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = mentorship_rows(request.user, with_health=True)
    live = [row for row in rows if row.mentorship.is_live]
    past = [row for row in rows if not row.mentorship.is_live]
    return render(request, "matching/mentorships.html", {"live": live, "past": past})


def _mentorship_page(
    request: AuthenticatedHttpRequest,
    mentorship: Mentorship,
    *,
    form: AgreementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_mentor = mentorship.mentor_id == user.pk
    other = mentorship.mentee if is_mentor else mentorship.mentor
    mentor_profile = getattr(mentorship.mentor, "profile", None)
    mentee_profile = getattr(mentorship.mentee, "profile", None)
    agreement = agreement_state(mentorship, user, other)
    if form is None:
        form = AgreementForm(initial=agreement_initial(mentorship, mentor_profile))
    return render(
        request,
        "matching/mentorship.html",
        {
            "mentorship": mentorship,
            "role": "mentor" if is_mentor else "mentee",
            "other": other,
            "mentor": mentorship.mentor,
            "mentee": mentorship.mentee,
            "mentor_profile": mentor_profile,
            "mentee_profile": mentee_profile,
            "other_links": contact_links(mentee_profile if is_mentor else mentor_profile),
            "my_links": contact_links(mentor_profile if is_mentor else mentee_profile),
            "goals": list(mentorship.goals.all()),
            "welcome_note": mentorship.request.welcome_note if mentorship.request else "",
            "agreement": agreement,
            "confirmers": [
                {
                    "name": "You",
                    "at": mentorship.mentor_confirmed_at
                    if is_mentor
                    else mentorship.mentee_confirmed_at,
                },
                {
                    "name": other.display_name,
                    "at": mentorship.mentee_confirmed_at
                    if is_mentor
                    else mentorship.mentor_confirmed_at,
                },
            ],
            "terms_token": terms_token(mentorship),
            "form": form,
            "has_terms": bool(mentorship.frequency),
            **closing_panel(mentorship=mentorship, user=user),
            **session_panel(mentorship=mentorship, user=user, now=timezone.now()),
            **checkin_panel(mentorship=mentorship, user=user, now=timezone.now()),
        },
        status=status,
    )


@login_required
@require_safe
def mentorship(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _mentorship_page(request, selectors.get_mentorship_page(user=request.user, pk=pk))


@login_required
@require_POST
def mentorship_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm the agreement as written in the form (the confirm-as-is button posts the
    terms shown, so nobody confirms terms they did not see)."""
    current = selectors.get_mentorship_page(user=request.user, pk=pk)
    form = AgreementForm(request.POST)
    if "as_is" in request.POST:
        if request.POST["as_is"] != terms_token(current):
            messages.error(
                request, "The terms changed while you were reading. Read them again, then confirm."
            )
            return redirect(reverse("matching:mentorship", args=[pk]) + "#agreement")
        terms = current_terms(current)
        form = AgreementForm(initial=agreement_initial(current, None))
    elif not form.is_valid():
        return _mentorship_page(request, current, form=form, status=400)
    else:
        terms = form.terms()
    try:
        saved = services.confirm_agreement(user=request.user, mentorship_id=pk, terms=terms)
    except DomainError as error:
        if not form.is_bound:
            messages.error(request, error.message)
            return redirect(reverse("matching:mentorship", args=[pk]) + "#agreement")
        if current.is_live:
            _show_error(form, error)
        else:
            # An ended mentorship shows no form to put the message next to.
            messages.error(request, error.message)
        return _mentorship_page(request, current, form=form, status=409)
    other = current.mentee if current.mentor_id == request.user.pk else current.mentor
    name = other.get_short_name()
    if saved.agreement_confirmed:
        messages.success(request, f"Agreed: you and {name} have both confirmed the agreement.")
    elif current.confirmed_by(other.pk):
        messages.success(
            request,
            f"You changed the terms and confirmed them. {name} is asked to confirm the new terms.",
        )
    else:
        messages.success(request, f"You confirmed the agreement. {name} is asked to confirm it.")
    return redirect("matching:mentorship", pk=pk)
