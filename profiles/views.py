"""Profile pages and the onboarding wizard. Reads through selectors, writes through services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from mentorship.exceptions import RuleViolation
from mentorship.types import AuthenticatedHttpRequest
from profiles import forms, selectors, services
from profiles.availability import (
    WEEKDAYS,
    Window,
    time_zone_names,
    week_start_for,
    windows_in_viewer_zone,
)
from profiles.middleware import remember_time_zone
from profiles.models import (
    Format,
    Goal,
    Industry,
    Language,
    MentoringKind,
    PersonaSkill,
    Profile,
    Trait,
)

# --- Helpers ---------------------------------------------------------------------------


def _attach(form: django_forms.BaseForm, error: RuleViolation, field: str | None = None) -> None:
    """Show a service's refusal next to the field it is about, keeping what was typed."""
    message = error.message
    if field is None and ": " in message:
        name, rest = message.split(": ", 1)
        if name in form.fields:
            field, message = name, rest
    form.add_error(field if field in form.fields else None, message)


def _posted(request: AuthenticatedHttpRequest) -> Any:
    """The submitted data, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _time_zone_context() -> dict[str, Any]:
    return {"time_zone_names": sorted(time_zone_names())}


# --- The onboarding wizard ----------------------------------------------------------------


@dataclass(frozen=True)
class WizardStep:
    key: str
    label: str
    url_name: str


def _wizard_steps(profile: Profile) -> list[WizardStep]:
    """Roles and basics, then each role's own steps, then availability."""
    steps = [
        WizardStep("roles", "Roles", "profiles:onboarding_roles"),
        WizardStep("basics", "Basics", "profiles:onboarding_basics"),
    ]
    if profile.is_mentee:
        steps += [
            WizardStep("goal", "A goal", "profiles:onboarding_goal"),
            WizardStep("persona", "Your mentor", "profiles:onboarding_persona"),
        ]
    if profile.is_mentor:
        steps += [
            WizardStep("expertise", "Expertise", "profiles:onboarding_expertise"),
            WizardStep("capacity", "Capacity", "profiles:onboarding_capacity"),
        ]
    steps.append(WizardStep("availability", "Availability", "profiles:onboarding_availability"))
    return steps


def _wizard(profile: Profile, key: str) -> dict[str, Any]:
    """Where this step sits in the wizard; outside onboarding, a plain page (no number)."""
    steps = _wizard_steps(profile)
    keys = [step.key for step in steps]
    index = keys.index(key) if _in_wizard(profile, key) else None
    following = steps[index + 1] if index is not None and index + 1 < len(steps) else None
    return {
        "steps": steps,
        "current": key,
        "number": index + 1 if index is not None else None,
        "total": len(steps),
        "next_url": reverse(following.url_name) if following else None,
        "is_last": following is None,
    }


def _after_step(request: AuthenticatedHttpRequest, profile: Profile, key: str) -> HttpResponse:
    if not _in_wizard(profile, key):
        messages.success(request, "Saved.")
        return redirect("dashboard")
    wizard = _wizard(profile, key)
    if wizard["next_url"]:
        return redirect(wizard["next_url"])
    return _finish(request, profile)


def _finish(request: AuthenticatedHttpRequest, profile: Profile) -> HttpResponse:
    services.complete_onboarding(profile=profile)
    messages.success(
        request, "You are all set. You can change any of this later from your profile."
    )
    return redirect("dashboard")


@login_required
@require_POST
def onboarding_finish(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _finish(request, services.ensure_profile(user=request.user))


@login_required
def onboarding_roles(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(user=request.user)
    form = forms.RolesForm(
        _posted(request),
        initial={"is_mentee": profile.is_mentee, "is_mentor": profile.is_mentor},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(profile=profile, fields=form.cleaned_data)
        except RuleViolation as error:
            _attach(form, error)
        else:
            return _after_step(request, profile, "roles")
    return render(
        request,
        "profiles/onboarding/roles.html",
        {"form": form, "wizard": _wizard(profile, "roles")},
    )


def _basics_initial(profile: Profile) -> dict[str, Any]:
    return {
        name: getattr(profile, name) for name in forms.BasicsForm.base_fields if name != "industry"
    } | {"industry": profile.industry_id}


def _save_basics(
    request: AuthenticatedHttpRequest, profile: Profile, form: django_forms.Form
) -> bool:
    try:
        services.update_profile(profile=profile, fields=form.cleaned_data)
    except RuleViolation as error:
        _attach(form, error)
        return False
    remember_time_zone(request, profile.time_zone)
    return True


@login_required
def onboarding_basics(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(user=request.user)
    form = forms.BasicsForm(_posted(request), initial=_basics_initial(profile))
    if request.method == "POST" and form.is_valid() and _save_basics(request, profile, form):
        return _after_step(request, profile, "basics")
    return render(
        request,
        "profiles/onboarding/basics.html",
        {"form": form, "wizard": _wizard(profile, "basics"), **_time_zone_context()},
    )


@login_required
def onboarding_goal(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(user=request.user)
    form = forms.GoalForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _create_goal(request, form):
        return _after_step(request, profile, "goal")
    goals = list(selectors.list_goals_for_owner(user=request.user).only("pk", "title", "status"))
    return render(
        request,
        "profiles/onboarding/goal.html",
        {"form": form, "wizard": _wizard(profile, "goal"), "goals": goals},
    )


@login_required
def onboarding_persona(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _persona_page(request, wizard_key="persona")


@login_required
def onboarding_expertise(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = selectors.get_own_profile(user=request.user)
    rows = [{"skill": item.skill.name, "level": item.level} for item in profile.expertise.all()]
    formset_class = formset_factory(forms.ExpertiseRowForm, extra=3 if not rows else 1)
    formset = formset_class(_posted(request), initial=rows, prefix="expertise")
    if request.method == "POST" and formset.is_valid():
        items = [
            (row["skill"], row["level"])
            for row in formset.cleaned_data
            if row.get("skill") is not None
        ]
        try:
            services.replace_expertise(profile=profile, items=items)
        except RuleViolation as error:
            formset.non_form_errors().append(error.message)
        else:
            if not _in_wizard(profile, "expertise"):
                messages.success(request, "Your expertise is saved.")
                return redirect("profiles:public", user_id=request.user.pk)
            return _after_step(request, profile, "expertise")
    return render(
        request,
        "profiles/onboarding/expertise.html",
        {"formset": formset, "wizard": _wizard(profile, "expertise")},
    )


def _in_wizard(profile: Profile, key: str) -> bool:
    return profile.onboarding_completed_at is None and key in {
        step.key for step in _wizard_steps(profile)
    }


@login_required
def onboarding_capacity(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(user=request.user)
    initial = {name: getattr(profile, name) for name in forms.CapacityForm.base_fields}
    form = forms.CapacityForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(profile=profile, fields=form.cleaned_data)
        except RuleViolation as error:
            _attach(form, error)
        else:
            if not _in_wizard(profile, "capacity"):
                messages.success(request, "Saved.")
                return redirect("dashboard")
            return _after_step(request, profile, "capacity")
    return render(
        request,
        "profiles/onboarding/capacity.html",
        {"form": form, "wizard": _wizard(profile, "capacity")},
    )


@login_required
def onboarding_availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _availability_page(request, wizard_key="availability")


# --- Skills ----------------------------------------------------------------------------------


@login_required
@require_safe
def skill_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    # htmx sends the typed box under its own name (`must_skills_add`, `expertise-0-skill`);
    # several names may be typed with commas, and the last one is being typed now.
    typed = str(request.GET.get("q") or next(iter(request.GET.values()), ""))
    skills = selectors.search_skills(query=typed.rsplit(",", 1)[-1][:80])
    return render(request, "profiles/_skill_options.html", {"skills": skills})


# --- Own profile ------------------------------------------------------------------------


def _language_formset(data: Any, profile: Profile) -> Any:
    choices = list(Language.objects.values_list("pk", "name"))
    formset_class = formset_factory(
        forms.LanguageRowForm, extra=2 if profile.languages.all() else 3
    )
    initial = [
        {"language": row.language_id, "proficiency": row.proficiency}
        for row in profile.languages.all()
    ]
    return formset_class(
        data, initial=initial, prefix="languages", form_kwargs={"language_choices": choices}
    )


@login_required
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = selectors.get_own_profile(user=request.user)
    initial = {
        name: getattr(profile, name)
        for name in forms.ProfileForm.base_fields
        if name not in {"industry", "mentor_industries", "contact_links"}
    } | {
        "industry": profile.industry_id,
        "mentor_industries": [industry.pk for industry in profile.mentor_industries.all()],
        "contact_links": "\n".join(profile.contact_links),
    }
    form = forms.ProfileForm(_posted(request), initial=initial)
    if not profile.is_mentor:
        for name in forms.ProfileForm.MENTOR_FIELDS:
            del form.fields[name]
    languages = _language_formset(_posted(request), profile)
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        fields = dict(form.cleaned_data)
        mentor_industries: list[Industry] | None = fields.pop("mentor_industries", None)
        if mentor_industries is not None:
            mentor_industries = list(mentor_industries)
        chosen = [
            (row["language"], row["proficiency"])
            for row in languages.cleaned_data
            if row.get("language")
        ]
        by_pk = Language.objects.in_bulk([pk for pk, _ in chosen])
        try:
            services.update_profile(
                profile=profile,
                fields=fields,
                languages=[(by_pk[pk], level) for pk, level in chosen],
                mentor_industries=mentor_industries,
            )
        except RuleViolation as error:
            if error.code == "duplicate_language":
                languages.non_form_errors().append(error.message)
            else:
                _attach(form, error)
        else:
            remember_time_zone(request, profile.time_zone)
            messages.success(request, "Your profile is saved.")
            return redirect("profiles:public", user_id=request.user.pk)
    return render(
        request,
        "profiles/edit.html",
        {
            "form": form,
            "languages": languages,
            "profile": profile,
            "mentor_fields": [form[name] for name in forms.ProfileForm.MENTOR_FIELDS]
            if profile.is_mentor
            else [],
            **_time_zone_context(),
        },
    )


@login_required
@require_safe
def public_profile(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    profile = selectors.get_public_profile(viewer=request.user, user_id=user_id)
    viewer_zone = timezone.get_current_timezone_name()
    windows = [Window(w.weekday, w.start_minute, w.end_minute) for w in profile.availability.all()]
    return render(
        request,
        "profiles/public.html",
        {
            "profile": profile,
            "person": profile.user,
            "is_self": profile.user_id == request.user.pk,
            "availability": windows_in_viewer_zone(
                windows, profile.time_zone, viewer_zone, week_start_for(timezone.now())
            ),
            "traits": [Trait(value).label for value in profile.traits],
            "formats": [Format(value).label for value in profile.formats],
            "mentoring_kinds": [MentoringKind(value).label for value in profile.mentoring_kinds],
            "available_hours": f"{sum(w.hours for w in windows):g}",
            "viewer_zone": viewer_zone,
        },
    )


# --- Availability ------------------------------------------------------------------------------


WindowFormSet = formset_factory(
    forms.WindowRowForm, formset=forms.BaseWindowFormSet, extra=0, max_num=28, absolute_max=28
)


def _availability_page(
    request: AuthenticatedHttpRequest, *, wizard_key: str | None
) -> HttpResponse:
    profile = selectors.get_own_availability(user=request.user)
    saved = [Window(w.weekday, w.start_minute, w.end_minute) for w in profile.availability.all()]
    initial = [
        {"weekday": w.weekday, "start_minute": w.start_minute, "end_minute": w.end_minute}
        for w in saved
    ]
    formset = WindowFormSet(
        _posted(request),
        initial=initial,
        prefix="windows",
        form_kwargs={"empty_permitted": True, "use_required_attribute": False},
    )
    if request.method != "POST":
        formset.extra = 2 if saved else 3
    if request.method == "POST" and formset.is_valid():
        windows = cast(forms.BaseWindowFormSet, formset).windows()
        try:
            services.replace_availability(profile=profile, windows=windows)
        except RuleViolation as error:
            formset.non_form_errors().append(error.message)
        else:
            if wizard_key and _in_wizard(profile, wizard_key):
                return _after_step(request, profile, wizard_key)
            messages.success(request, "Your availability is saved.")
            return redirect("profiles:availability")
    context = {
        "formset": formset,
        "profile": profile,
        "saved": [
            (WEEKDAYS[w.weekday], f"{_clock(w.start_minute)}–{_clock(w.end_minute)}") for w in saved
        ],
        "total_hours": f"{sum(w.hours for w in saved):g}",
        "wizard": _wizard(profile, wizard_key)
        if wizard_key and _in_wizard(profile, wizard_key)
        else None,
    }
    return render(request, "profiles/availability.html", context)


@login_required
def availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _availability_page(request, wizard_key=None)


# --- Goals and milestones ----------------------------------------------------------------------


def _create_goal(request: AuthenticatedHttpRequest, form: django_forms.Form) -> Goal | None:
    fields = {name: value for name, value in form.cleaned_data.items() if name != "skills"}
    try:
        goal = services.create_goal(
            owner=request.user, fields=fields, skills=form.cleaned_data["skills"]
        )
    except RuleViolation as error:
        _attach(form, error, "target_date" if error.code == "target_date_in_past" else None)
        return None
    messages.success(request, f"Goal added: {goal.title}")
    return goal


@login_required
@require_safe
def goal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    goals = list(selectors.list_goals_for_owner(user=request.user))
    return render(request, "profiles/goals.html", {"goals": goals})


@login_required
def goal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.GoalForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _create_goal(request, form):
        return redirect("profiles:goals")
    return render(request, "profiles/goal_form.html", {"form": form, "goal": None})


@login_required
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_for_owner(user=request.user, pk=pk)
    initial = {name: getattr(goal, name) for name in forms.GoalEditForm.base_fields} | {
        "skills": list(goal.skills.all())
    }
    form = forms.GoalEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "skills"}
        was_achieved = goal.status == Goal.Status.ACHIEVED
        try:
            services.update_goal(goal=goal, fields=fields, skills=form.cleaned_data["skills"])
        except RuleViolation as error:
            _attach(form, error, "target_date" if error.code == "target_date_in_past" else None)
        else:
            if goal.status == Goal.Status.ACHIEVED and not was_achieved:
                messages.success(request, f"Goal achieved: {goal.title}. Well done!")
            else:
                messages.success(request, "Goal saved.")
            return redirect("profiles:goals")
    return render(request, "profiles/goal_form.html", {"form": form, "goal": goal})


def _goal_card(
    request: AuthenticatedHttpRequest,
    goal_id: int,
    *,
    celebrate: str = "",
    milestone_form: forms.MilestoneForm | None = None,
) -> HttpResponse:
    goal = selectors.get_goal_for_owner(user=request.user, pk=goal_id)
    return render(
        request,
        "profiles/_goal.html",
        {"goal": goal, "celebrate": celebrate, "milestone_form": milestone_form},
    )


@login_required
@require_POST
def goal_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_for_owner(user=request.user, pk=pk)
    try:
        just_achieved = services.set_goal_status(goal=goal, status=request.POST.get("status", ""))
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("profiles:goals")
    celebrate = f"🎉 Goal achieved: {goal.title}. Well done!" if just_achieved else ""
    if request.htmx:
        return _goal_card(request, goal.pk, celebrate=celebrate)
    if celebrate:
        messages.success(request, celebrate)
    return redirect("profiles:goals")


@login_required
@require_POST
def goal_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_for_owner(user=request.user, pk=pk)
    services.delete_goal(goal=goal)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Goal deleted.")
    return redirect("profiles:goals")


@login_required
@require_POST
def milestone_add(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_owner(user=request.user, pk=goal_id)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(goal=goal, **form.cleaned_data)
        except RuleViolation as error:
            _attach(form, error, "due_date" if error.code == "target_date_in_past" else "title")
        else:
            form = None  # type: ignore[assignment]
    if request.htmx:
        return _goal_card(request, goal.pk, milestone_form=form)
    if form is not None:
        goals = list(selectors.list_goals_for_owner(user=request.user))
        return render(
            request,
            "profiles/goals.html",
            {"goals": goals, "milestone_form": form, "form_goal_id": goal.pk},
            status=200,
        )
    return redirect(f"{reverse('profiles:goals')}#goal-{goal.pk}")


@login_required
@require_POST
def milestone_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.get_milestone_for_owner(user=request.user, pk=pk)
    just_done = services.set_milestone_done(
        milestone=milestone, done=request.POST.get("done") == "1"
    )
    celebrate = f"🎉 Milestone reached: {milestone.title}. Keep going!" if just_done else ""
    if request.htmx:
        return _goal_card(request, milestone.goal_id, celebrate=celebrate)
    if celebrate:
        messages.success(request, celebrate)
    return redirect(f"{reverse('profiles:goals')}#goal-{milestone.goal_id}")


@login_required
@require_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.get_milestone_for_owner(user=request.user, pk=pk)
    goal_id = milestone.goal_id
    services.delete_milestone(milestone=milestone)
    if request.htmx:
        return _goal_card(request, goal_id)
    return redirect(f"{reverse('profiles:goals')}#goal-{goal_id}")


# --- The mentor persona --------------------------------------------------------------------------


def _persona_page(request: AuthenticatedHttpRequest, *, wizard_key: str | None) -> HttpResponse:
    persona = selectors.get_persona_for_owner(user=request.user)
    initial: dict[str, Any] = {}
    if persona is not None:
        chosen = list(persona.skills.all())
        initial = {
            name: getattr(persona, name)
            for name in (
                "min_years_experience",
                "seniority",
                "traits",
                "formats",
                "frequency",
                "min_shared_hours",
                "ideal_mentor",
            )
        } | {
            "must_skills": [
                c.skill for c in chosen if c.importance == PersonaSkill.Importance.MUST
            ],
            "nice_skills": [
                c.skill for c in chosen if c.importance == PersonaSkill.Importance.NICE
            ],
            "industries": [industry.pk for industry in persona.industries.all()],
            "languages": [language.pk for language in persona.languages.all()],
        }
    form = forms.PersonaForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        must, nice = data.pop("must_skills"), data.pop("nice_skills")
        industries, languages = list(data.pop("industries")), list(data.pop("languages"))
        try:
            services.save_persona(
                owner=request.user,
                fields=data,
                skills=[(s, PersonaSkill.Importance.MUST.value) for s in must]
                + [(s, PersonaSkill.Importance.NICE.value) for s in nice],
                industries=industries,
                languages=languages,
            )
        except RuleViolation as error:
            _attach(form, error, "must_skills" if error.code == "duplicate_skill" else None)
        else:
            profile = services.ensure_profile(user=request.user)
            if wizard_key and _in_wizard(profile, wizard_key):
                return _after_step(request, profile, wizard_key)
            messages.success(request, "Your mentor persona is saved.")
            return redirect("profiles:persona")
    has_goals, _ = selectors.has_goals_and_persona(user=request.user)
    wizard = None
    if wizard_key:
        profile = services.ensure_profile(user=request.user)
        wizard = _wizard(profile, wizard_key) if _in_wizard(profile, wizard_key) else None
    return render(
        request,
        "profiles/persona.html",
        {"form": form, "has_goals": has_goals, "wizard": wizard},
    )


@login_required
def persona(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _persona_page(request, wizard_key=None)


# --- Resuming mentoring from the pause email ---------------------------------------------


def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The pause email's way back: the page asks once, the button resumes.

    Works without logging in (the signed link is the proof). Opening the link
    changes nothing, so a mail scanner that follows links cannot resume anyone.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    error = ""
    person = None
    try:
        person = services.user_for_resume_token(token=token)
    except RuleViolation as problem:
        error = problem.message
    if person is not None and request.method == "POST":
        services.resume_mentoring(user=person)
        messages.success(request, "Welcome back: mentees can send you requests again.")
        return redirect("profiles:edit" if request.user == person else "home")
    profile = person.profile if person is not None else None
    return render(
        request,
        "profiles/resume.html",
        {"person": person, "profile": profile, "error": error},
        status=400 if error else 200,
    )


# --- Email settings ------------------------------------------------------------------------


@login_required
def email_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How notifications reach the person's inbox: at once, a daily digest or essentials only."""
    profile = services.ensure_profile(user=request.user)
    form = forms.EmailFrequencyForm(
        _posted(request),
        initial={"email_frequency": profile.email_frequency},
        digest_hour=settings.DIGEST_HOUR,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_email_frequency(
                user=request.user, frequency=form.cleaned_data["email_frequency"]
            )
        except RuleViolation as error:
            _attach(form, error, "email_frequency")
        else:
            messages.success(request, "Your email settings are saved.")
            return redirect("profiles:email_settings")
    return render(
        request,
        "profiles/email_settings.html",
        {
            "form": form,
            "profile": profile,
            "digest_hour": f"{settings.DIGEST_HOUR:02d}:00",
            "session_hours": settings.SESSION_REMINDER_HOURS,
        },
    )
