"""Session pages: propose, confirm, reschedule, cancel, complete, mark missed, notes, invite.

Reads go through selectors (404 for anyone outside the mentorship), writes
through the services; a rule break is shown as a message, or next to what the
person typed on a form page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from matching import selectors as matching_selectors
from matching.models import Mentorship
from mentorship.exceptions import DomainError
from mentorship.types import AuthenticatedHttpRequest
from profiles.availability import Window
from profiles.models import AvailabilityWindow, User
from sessions_app import ics, slots, times
from sessions_app.forms_sessions import (
    CancelForm,
    ConfirmForm,
    NoShowForm,
    NotesForm,
    PrivateNoteForm,
    ProposeForm,
    TimesForm,
)
from sessions_app.models import Session
from sessions_app.selectors.sessions import (
    get_session_for_participant,
    private_note_for,
    zone_of,
)
from sessions_app.services import sessions as services


def _people(mentorship: Mentorship, user: User) -> tuple[User, User]:
    """(me, the other person), both with their profiles loaded by the selector."""
    if mentorship.mentor_id == user.pk:
        return mentorship.mentor, mentorship.mentee
    return mentorship.mentee, mentorship.mentor


def _suggestions(mentorship: Mentorship, duration_minutes: int, now: datetime) -> list[datetime]:
    """Times both are free in the next two weeks (from their weekly windows)."""
    windows: dict[int, list[Window]] = {mentorship.mentee_id: [], mentorship.mentor_id: []}
    for row in AvailabilityWindow.objects.filter(profile__user_id__in=windows).values_list(
        "profile__user_id", "weekday", "start_minute", "end_minute"
    ):
        windows[row[0]].append(Window(row[1], row[2], row[3]))
    return slots.suggest_starts(
        windows[mentorship.mentee_id],
        zone_of(mentorship.mentee),
        windows[mentorship.mentor_id],
        zone_of(mentorship.mentor),
        duration_minutes=duration_minutes,
        now=now,
    )


def _labelled(
    starts: list[datetime], me_zone: str, other: User, other_zone: str
) -> list[dict[str, Any]]:
    return [
        {
            "value": start.isoformat(),
            "mine": times.when(start, me_zone),
            "theirs": times.clock(start, other_zone),
            "theirs_day_differs": times.local(start, other_zone).date()
            != times.local(start, me_zone).date(),
            "theirs_when": times.when(start, other_zone),
            "other": other.get_short_name(),
            "other_city": times.city(other_zone),
        }
        for start in starts
    ]


def _default_minutes(mentorship: Mentorship) -> int:
    if mentorship.session_minutes:
        return mentorship.session_minutes
    profile = getattr(mentorship.mentor, "profile", None)
    return profile.session_minutes if profile else 45


def _times_page(
    request: AuthenticatedHttpRequest,
    mentorship: Mentorship,
    *,
    form: TimesForm,
    suggestions: list[datetime],
    session: Session | None = None,
    status: int = 200,
) -> HttpResponse:
    me, other = _people(mentorship, request.user)
    me_zone, other_zone = zone_of(me), zone_of(other)
    return render(
        request,
        "sessions_app/sessions/reschedule.html" if session else "sessions_app/sessions/new.html",
        {
            "mentorship": mentorship,
            "session": session,
            "other": other,
            "form": form,
            "suggestions": _labelled(suggestions, me_zone, other, other_zone),
            "checked": set(request.POST.getlist("suggested")),
            "viewer_zone": me_zone,
            "viewer_city": times.city(me_zone),
            "other_zone": other_zone,
            "other_city": times.city(other_zone),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose a session: suggested shared times, or times typed on your own clock."""
    mentorship = matching_selectors.get_mentorship_page(user=request.user, pk=pk)
    now = timezone.now()
    me, _ = _people(mentorship, request.user)
    minutes = _default_minutes(mentorship)
    suggestions = _suggestions(mentorship, minutes, now)
    if request.method != "POST":
        if mentorship.status != Mentorship.Status.ACTIVE:
            messages.error(
                request,
                "This mentorship is paused, so no new sessions can be booked. Resume it first."
                if mentorship.status == Mentorship.Status.PAUSED
                else "This mentorship has ended; sessions can no longer be booked.",
            )
            return redirect("matching:mentorship", pk=pk)
        form = ProposeForm(
            zone=zone_of(me),
            suggestions=suggestions,
            initial={"duration_minutes": minutes, "location": mentorship.channel},
        )
        return _times_page(request, mentorship, form=form, suggestions=suggestions)
    form = ProposeForm(request.POST, zone=zone_of(me), suggestions=suggestions)
    if not form.is_valid():
        return _times_page(request, mentorship, form=form, suggestions=suggestions, status=400)
    data = form.cleaned_data
    try:
        session = services.propose_session(
            user=request.user,
            mentorship_id=mentorship.pk,
            starts=data["starts"],
            duration_minutes=data["duration_minutes"],
            agenda=data["agenda"],
            location=data["location"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _times_page(request, mentorship, form=form, suggestions=suggestions, status=409)
    count = len(data["starts"])
    messages.success(
        request,
        f"Proposed {count} time{'s' if count != 1 else ''}. "
        f"{_people(mentorship, request.user)[1].get_short_name()} is asked to confirm one.",
    )
    return redirect("sessions_app:session", pk=session.pk)


@login_required
@require_safe
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_participant(user=request.user, pk=pk)
    mentorship = session.mentorship
    me, other = _people(mentorship, request.user)
    me_zone, other_zone = zone_of(me), zone_of(other)
    now = timezone.now()
    note = private_note_for(user=request.user, session=session)
    started = session.starts_at is not None and session.starts_at <= now
    return render(
        request,
        "sessions_app/sessions/detail.html",
        {
            "session": session,
            "mentorship": mentorship,
            "me": me,
            "other": other,
            "viewer_zone": me_zone,
            "viewer_city": times.city(me_zone),
            "other_zone": other_zone,
            "other_city": times.city(other_zone),
            "options": [
                {"option": option, "open": option.starts_at > now}
                for option in session.options.all()
            ],
            "can_confirm": session.status == Session.Status.PROPOSED
            and session.proposed_by_id != request.user.pk,
            "can_change": session.status in (Session.Status.PROPOSED, Session.Status.CONFIRMED),
            "can_close": session.status == Session.Status.CONFIRMED and started,
            "notes_form": NotesForm(
                initial={"agenda": session.agenda, "shared_notes": session.shared_notes}
            ),
            "private_form": PrivateNoteForm(initial={"body": note.body if note else ""}),
            "private_note": note,
            "cancel_form": CancelForm(),
        },
    )


def _errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _back(pk: int) -> HttpResponse:
    return redirect("sessions_app:session", pk=pk)


@login_required
@require_POST
def session_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_session_for_participant(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the proposed times.")
        return _back(pk)
    try:
        session = services.confirm_session(
            user=request.user, session_id=pk, option_id=form.cleaned_data["option"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(pk)
    assert session.starts_at is not None
    zone = zone_of(_people(session.mentorship, request.user)[0])
    messages.success(
        request,
        f"Confirmed for {times.when(session.starts_at, zone)}. The invite is in your email "
        "and on this page.",
    )
    return _back(pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """New times for a session; the other person confirms one of them."""
    session = get_session_for_participant(user=request.user, pk=pk)
    mentorship = session.mentorship
    me, other = _people(mentorship, request.user)
    if session.status not in (Session.Status.PROPOSED, Session.Status.CONFIRMED):
        messages.error(
            request, f"A {session.get_status_display().lower()} session cannot be moved."
        )
        return _back(pk)
    suggestions = _suggestions(mentorship, session.duration_minutes, timezone.now())
    if request.method != "POST":
        form = TimesForm(zone=zone_of(me), suggestions=suggestions)
        return _times_page(request, mentorship, form=form, suggestions=suggestions, session=session)
    form = TimesForm(request.POST, zone=zone_of(me), suggestions=suggestions)
    if not form.is_valid():
        return _times_page(
            request, mentorship, form=form, suggestions=suggestions, session=session, status=400
        )
    try:
        services.reschedule_session(
            user=request.user, session_id=pk, starts=form.cleaned_data["starts"]
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _times_page(
            request, mentorship, form=form, suggestions=suggestions, session=session, status=409
        )
    messages.success(
        request, f"New times proposed. {other.get_short_name()} is asked to confirm one."
    )
    return _back(pk)


@login_required
@require_POST
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_participant(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_session(user=request.user, session_id=pk, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(pk)
    other = _people(session.mentorship, request.user)[1]
    messages.success(request, f"Session cancelled. {other.get_short_name()} has been told.")
    return _back(pk)


@login_required
@require_POST
def session_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_session_for_participant(user=request.user, pk=pk)
    try:
        services.complete_session(user=request.user, session_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(pk)
    messages.success(request, "Marked as held. Add what you agreed to the shared notes.")
    return _back(pk)


@login_required
@require_POST
def session_no_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_session_for_participant(user=request.user, pk=pk)
    form = NoShowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say who missed the session.")
        return _back(pk)
    try:
        services.mark_no_show(
            user=request.user, session_id=pk, absent_user_id=form.cleaned_data["absent"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(pk)
    messages.success(request, "Marked as missed.")
    return _back(pk)


@login_required
@require_POST
def session_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_session_for_participant(user=request.user, pk=pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _back(pk)
    try:
        services.update_session_notes(
            user=request.user,
            session_id=pk,
            agenda=form.cleaned_data["agenda"],
            shared_notes=form.cleaned_data["shared_notes"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(pk)
    messages.success(request, "Agenda and shared notes saved.")
    return redirect(reverse("sessions_app:session", args=[pk]) + "#shared-notes")


@login_required
@require_POST
def session_private_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_session_for_participant(user=request.user, pk=pk)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _back(pk)
    services.save_private_note(user=request.user, session_id=pk, body=form.cleaned_data["body"])
    messages.success(request, "Your private note is saved. Only you can see it.")
    return redirect(reverse("sessions_app:session", args=[pk]) + "#private-note")


@login_required
@require_safe
def session_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The calendar invite, on the viewer's own clock (confirmed or past sessions)."""
    session = get_session_for_participant(user=request.user, pk=pk)
    if session.starts_at is None:
        messages.error(request, "The invite is ready once a time is confirmed.")
        return _back(pk)
    me = _people(session.mentorship, request.user)[0]
    body = ics.session_calendar(
        session,
        time_zone=zone_of(me),
        now=timezone.now(),
        cancelled=session.status == Session.Status.CANCELLED,
    )
    response = HttpResponse(body, content_type=f"{ics.MIMETYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.invite_filename(session)}"'
    return response
