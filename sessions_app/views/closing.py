"""Pages to pause, resume and end a mentorship, write a reflection, and read the summary.

Reads go through selectors (someone else's mentorship is a 404), writes
through the closing services; a rule break is shown next to what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from matching.models import Mentorship
from matching.selectors import get_mentorship_page
from matching.views_inbox import ContactLink, contact_links
from mentorship.exceptions import Conflict, DomainError
from mentorship.types import AuthenticatedHttpRequest
from sessions_app.forms_closing import PauseForm, ReflectionForm
from sessions_app.models import Reflection
from sessions_app.selectors.closing import get_summary
from sessions_app.services import closing

Status = Mentorship.Status


def _code(error: DomainError) -> int:
    return 409 if isinstance(error, Conflict) else 400


def _back(pk: int) -> HttpResponse:
    return redirect("matching:mentorship", pk=pk)


def _has_reflected(mentorship: Mentorship, user_id: int) -> bool:
    return Reflection.objects.filter(mentorship=mentorship, author_id=user_id).exists()


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_pause(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_page(user=request.user, pk=pk)
    other = mentorship.mentor if mentorship.mentee_id == request.user.pk else mentorship.mentee
    if mentorship.status != Status.ACTIVE and request.method == "GET":
        messages.info(
            request,
            "This mentorship is already paused."
            if mentorship.status == Status.PAUSED
            else "This mentorship has ended.",
        )
        return _back(pk)
    form = PauseForm(request.POST or None)
    code = 200
    if request.method == "POST":
        code = 400
        if form.is_valid():
            try:
                closing.pause_mentorship(
                    user=request.user,
                    mentorship_id=pk,
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
                code = _code(error)
            else:
                until = form.cleaned_data["until"]
                messages.success(
                    request,
                    f"Paused{f' until {until:%d %B}' if until else ''}. "
                    f"{other.get_short_name()} is told; your future sessions are cancelled.",
                )
                return _back(pk)
    return render(
        request,
        "sessions_app/closing/pause.html",
        {"mentorship": mentorship, "other": other, "form": form},
        status=code,
    )


@login_required
@require_POST
def mentorship_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_page(user=request.user, pk=pk)
    other = mentorship.mentor if mentorship.mentee_id == request.user.pk else mentorship.mentee
    try:
        closing.resume_mentorship(user=request.user, mentorship_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Resumed: {other.get_short_name()} is told. Plan your next session to restart well.",
        )
    return _back(pk)


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose to end with your reflection, or agree to the other's proposal with yours."""
    mentorship = get_mentorship_page(user=request.user, pk=pk)
    user = request.user
    is_mentee = mentorship.mentee_id == user.pk
    other = mentorship.mentor if is_mentee else mentorship.mentee
    if not mentorship.is_live:
        # A double submit of "agree" lands here: it closed with the first one.
        messages.info(request, "This mentorship has ended.")
        if not _has_reflected(mentorship, user.pk):
            return redirect("sessions_app:mentorship_reflection", pk=pk)
        return redirect("sessions_app:mentorship_summary", pk=pk)
    if mentorship.close_proposed_by_id == user.pk:
        messages.info(
            request,
            f"You have proposed to end; {other.get_short_name()} is asked to add a reflection.",
        )
        return _back(pk)
    proposing = not mentorship.close_proposed_by_id
    goals = list(mentorship.goals.all())
    form = ReflectionForm(
        request.POST or None, goals=goals, proposing=proposing, is_mentee=is_mentee
    )
    code = 200
    if request.method == "POST":
        code = 400
        if form.is_valid():
            try:
                if proposing:
                    closing.propose_close(
                        user=user,
                        mentorship_id=pk,
                        outcome=form.outcome_choice(),
                        reflection=form.reflection_input(),
                    )
                else:
                    closing.agree_close(
                        user=user, mentorship_id=pk, reflection=form.reflection_input()
                    )
            except DomainError as error:
                form.add_error(None, error.message)
                code = _code(error)
            else:
                if proposing:
                    messages.success(
                        request,
                        f"You proposed to end. {other.get_short_name()} is asked to add a "
                        "reflection; it closes when they agree.",
                    )
                    return _back(pk)
                messages.success(request, "Your mentorship has closed. Here is what you achieved.")
                return redirect("sessions_app:mentorship_summary", pk=pk)
    their_note = ""
    if not proposing:
        their_note = (
            Reflection.objects.filter(mentorship=mentorship, author=other)
            .values_list("thank_you", flat=True)
            .first()
            or ""
        )
    return render(
        request,
        "sessions_app/closing/close.html",
        {
            "mentorship": mentorship,
            "other": other,
            "role": "mentee" if is_mentee else "mentor",
            "form": form,
            "proposing": proposing,
            "their_note": their_note,
            "closes_after_days": closing.CLOSE_AFTER_DAYS,
        },
        status=code,
    )


@login_required
@require_POST
def mentorship_close_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_page(user=request.user, pk=pk)
    other = mentorship.mentor if mentorship.mentee_id == request.user.pk else mentorship.mentee
    try:
        closing.withdraw_close(user=request.user, mentorship_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"You withdrew your proposal: you and {other.get_short_name()} carry on."
        )
    return _back(pk)


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_reflection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """After the mentorship closed: the reflection of the person who has not written one."""
    mentorship = get_mentorship_page(user=request.user, pk=pk)
    user = request.user
    is_mentee = mentorship.mentee_id == user.pk
    other = mentorship.mentor if is_mentee else mentorship.mentee
    if mentorship.is_live:
        return redirect("sessions_app:mentorship_close", pk=pk)
    if _has_reflected(mentorship, user.pk):
        messages.info(request, "You have written your reflection.")
        return redirect("sessions_app:mentorship_summary", pk=pk)
    form = ReflectionForm(
        request.POST or None,
        goals=list(mentorship.goals.all()),
        proposing=False,
        is_mentee=is_mentee,
    )
    code = 200
    if request.method == "POST":
        code = 400
        if form.is_valid():
            try:
                closing.write_reflection(
                    user=user, mentorship_id=pk, reflection=form.reflection_input()
                )
            except DomainError as error:
                form.add_error(None, error.message)
                code = _code(error)
            else:
                messages.success(
                    request, f"Thank you. {other.get_short_name()} can read your note now."
                )
                return redirect("sessions_app:mentorship_summary", pk=pk)
    return render(
        request,
        "sessions_app/closing/reflection.html",
        {
            "mentorship": mentorship,
            "other": other,
            "role": "mentee" if is_mentee else "mentor",
            "form": form,
        },
        status=code,
    )


@login_required
@require_safe
def mentorship_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    summary = get_summary(user=request.user, pk=pk)
    mentorship = summary.mentorship
    if mentorship.is_live:
        messages.info(request, "The summary is ready once the mentorship has ended.")
        return _back(pk)
    is_mentee = summary.role == "mentee"
    mine = mentorship.mentee if is_mentee else mentorship.mentor
    links: dict[str, list[ContactLink]] = {"other": [], "mine": []}
    if summary.both_stay_in_touch:
        links = {
            "other": contact_links(getattr(summary.other, "profile", None)),
            "mine": contact_links(getattr(mine, "profile", None)),
        }
    return render(
        request,
        "sessions_app/closing/summary.html",
        {"summary": summary, "mentorship": mentorship, "other": summary.other, "links": links},
    )
