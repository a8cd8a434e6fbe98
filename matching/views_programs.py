"""Programmes for their people: join with the invite link, my programmes, one programme."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from matching.models import Enrolment, Program
from matching.selectors_programs import (
    enrolment_of,
    get_program_by_invite,
    get_program_for_member,
    list_programs_for_member,
)
from matching.services_programs import join_closed_reason, join_program
from mentorship.exceptions import DomainError
from mentorship.types import AuthenticatedHttpRequest


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        choices=[
            ("mentee", "As a mentee: I would like a mentor"),
            ("mentor", "As a mentor: I would like to help someone"),
            ("both", "Both"),
        ],
        widget=forms.RadioSelect,
        initial="mentee",
        label="How would you like to take part?",
    )


def _how_matching_works(program: Program) -> str:
    ways: dict[str, str] = {
        Program.MatchingMode.MENTEE_CHOICE: "You browse the programme's mentors, ranked by how "
        "well they fit your goals, and ask the one you choose for a short first conversation.",
        Program.MatchingMode.ADMIN_ASSIGNED: "The coordinators match everyone at once, looking "
        "at goals, skills, languages and shared hours, and introduce you to your mentor.",
        Program.MatchingMode.BOTH: "The coordinators introduce you to a mentor who fits, and "
        "you can also browse the programme's mentors and ask one yourself.",
    }
    return ways[program.matching_mode]


@login_required
@require_http_methods(["GET", "POST"])
def program_join(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    program = get_program_by_invite(code=code)
    enrolment = enrolment_of(user=request.user, program=program)
    form = JoinForm(
        request.POST or None, initial={"role": enrolment.role if enrolment else "mentee"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            joined = join_program(
                user=request.user, program=program, role=form.cleaned_data["role"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"You are in {program.name} as {joined.get_role_display().lower()}."
            )
            return redirect("matching:program", slug=program.slug)
    return render(
        request,
        "matching/program_join.html",
        {
            "program": program,
            "form": form,
            "enrolment": enrolment,
            "closed": join_closed_reason(program) if enrolment is None else "",
            "how": _how_matching_works(program),
        },
    )


@login_required
@require_safe
def programs(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "matching/programs.html", {"programs": list_programs_for_member(user=request.user)}
    )


@login_required
@require_safe
def program(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    found, enrolment = get_program_for_member(user=request.user, slug=slug)
    return render(
        request,
        "matching/program.html",
        {
            "program": found,
            "enrolment": enrolment,
            "how": _how_matching_works(found),
            "can_browse": enrolment.is_mentee and found.mentees_choose,
            "is_mentee": enrolment.role in (Enrolment.Role.MENTEE, Enrolment.Role.BOTH),
        },
    )
