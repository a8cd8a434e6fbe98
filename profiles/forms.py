from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError

from profiles import selectors
from profiles.availability import WEEKDAYS, Window, window_problems
from profiles.models import (
    EmailFrequency,
    Format,
    Frequency,
    Goal,
    Industry,
    Language,
    MentoringKind,
    Proficiency,
    Seniority,
    Skill,
    Trait,
)
from profiles.validators import validate_contact_links, validate_time_zone


class SignupForm(AllauthSignupForm):
    """Sign-up asks for a name too, so people are greeted as themselves."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Ana Silva"}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


# --- Profile pages -------------------------------------------------------------------


class SkillPicker(forms.Widget):
    """Chosen skills as ticked boxes (untick to remove) plus a box to type more names.

    The page renders it (`profiles/_skill_picker.html`); the typed names are
    suggested by htmx from `profiles:skill_search` and looked up on submit.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        chosen = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name, []))
        typed = str(data.get(f"{name}_add", ""))
        return [part.strip() for part in [*chosen, *typed.split(",")] if part.strip()]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class SkillsField(forms.Field):
    """Skill names in, Skill rows out; an unknown name is an error next to the field."""

    widget = SkillPicker

    def prepare_value(self, value: Any) -> list[str]:
        return [getattr(item, "name", item) for item in value or []]

    MAX_SKILLS = 30
    MAX_NAME_LENGTH = 80

    def clean(self, value: Any) -> list[Skill]:
        names: list[str] = []
        value = value or []
        if len(value) > self.MAX_SKILLS:
            raise ValidationError(
                "Up to %(max)s skills here.",
                params={"max": self.MAX_SKILLS},
                code="too_many_skills",
            )
        for name in value:
            if "\x00" in name or len(name) > self.MAX_NAME_LENGTH:
                raise ValidationError("That is not a skill name.", code="invalid_skill_name")
            if name.lower() not in {known.lower() for known in names}:
                names.append(name)
        if self.required and not names:
            raise ValidationError("Add at least one skill.", code="required")
        found = selectors.get_skills_by_names(names=names)
        unknown = [name for name in names if name.lower() not in found]
        if unknown:
            raise ValidationError(
                "We do not know the skill %(names)s. Pick one from the suggestions.",
                params={"names": ", ".join(f"“{name}”" for name in unknown)},
                code="unknown_skill",
            )
        return [found[name.lower()] for name in names]


class TimeZoneField(forms.CharField):
    default_validators = [validate_time_zone]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)


def _checkboxes(choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _optional_choice(choices: Any, blank: str = "No preference") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("", blank), *choices], coerce=int, empty_value=None, required=False
    )


class RolesForm(forms.Form):
    is_mentee = forms.BooleanField(
        required=False,
        label="I am looking for a mentor",
        help_text="You will set goals and describe the mentor who could help.",
    )
    is_mentor = forms.BooleanField(
        required=False,
        label="I want to mentor others",
        help_text="You will say what you can help with and how many people at once.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("is_mentee") or data.get("is_mentor")):
            raise ValidationError("Choose at least one: mentee, mentor, or both.")
        return data


class BasicsForm(forms.Form):
    headline = forms.CharField(
        max_length=140,
        required=False,
        help_text="One line others see first, e.g. “Backend developer moving into data”.",
    )
    current_role = forms.CharField(max_length=120, required=False, label="Current role")
    organisation = forms.CharField(max_length=120, required=False)
    industry = forms.ModelChoiceField(
        queryset=Industry.objects.all(), required=False, empty_label="Choose an industry"
    )
    years_experience = forms.IntegerField(
        min_value=0, max_value=70, required=False, label="Years of experience"
    )
    seniority = _optional_choice(Seniority.choices, blank="Choose a level")
    country = forms.CharField(max_length=60, required=False)
    time_zone = TimeZoneField(
        label="Time zone", help_text="Start typing a city, e.g. Lisbon or Los_Angeles."
    )


class ProfileForm(BasicsForm):
    is_mentee = RolesForm.base_fields["is_mentee"]
    is_mentor = RolesForm.base_fields["is_mentor"]
    bio = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}), label="About you"
    )
    traits = _checkboxes(Trait.choices)
    formats = _checkboxes(Format.choices)
    contact_links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://www.linkedin.com/in/…"}),
        help_text="One per line, up to five. Shown only to people you are in a mentorship with.",
    )
    # Mentor side.
    mentoring_kinds = _checkboxes(MentoringKind.choices)
    mentor_industries = forms.ModelMultipleChoiceField(
        queryset=Industry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Industries you know well",
    )
    capacity = forms.IntegerField(
        min_value=0, max_value=20, label="Mentees at once", help_text="From 0 to 20."
    )
    accepting_mentees = forms.BooleanField(required=False, label="I am accepting new mentees")
    paused_until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Paused until"
    )
    how_i_can_help = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="How I can help",
    )
    session_minutes = forms.IntegerField(
        min_value=15, max_value=240, label="Session length (minutes)"
    )
    session_frequency = forms.ChoiceField(choices=Frequency.choices, label="How often")

    MENTOR_FIELDS = (
        "mentoring_kinds",
        "mentor_industries",
        "capacity",
        "accepting_mentees",
        "paused_until",
        "how_i_can_help",
        "session_minutes",
        "session_frequency",
    )

    def clean_contact_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["contact_links"].splitlines()]
        links = [line for line in lines if line]
        validate_contact_links(links)
        return links


class CapacityForm(forms.Form):
    capacity = ProfileForm.base_fields["capacity"]
    accepting_mentees = ProfileForm.base_fields["accepting_mentees"]
    how_i_can_help = ProfileForm.base_fields["how_i_can_help"]
    mentoring_kinds = ProfileForm.base_fields["mentoring_kinds"]
    session_minutes = ProfileForm.base_fields["session_minutes"]
    session_frequency = ProfileForm.base_fields["session_frequency"]


class LanguageRowForm(forms.Form):
    language = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    proficiency = forms.TypedChoiceField(
        choices=Proficiency.choices, coerce=int, initial=Proficiency.FLUENT
    )

    def __init__(self, *args: Any, language_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "Choose a language"), *language_choices]  # type: ignore[attr-defined]


class ExpertiseRowForm(forms.Form):
    skill = forms.CharField(
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
    )
    level = forms.TypedChoiceField(
        choices=[
            (1, "1 · Some experience"),
            (2, "2 · Working knowledge"),
            (3, "3 · Solid"),
            (4, "4 · Advanced"),
            (5, "5 · Expert"),
        ],
        coerce=int,
        initial=3,
    )

    def clean_skill(self) -> Skill | None:
        name = self.cleaned_data["skill"].strip()
        if not name:
            return None
        skill = selectors.get_skills_by_names(names=[name]).get(name.lower())
        if skill is None:
            raise ValidationError(
                "We do not know the skill “%(name)s”. Pick one from the suggestions.",
                params={"name": name},
                code="unknown_skill",
            )
        return skill


QUARTER_HOURS = [(m, f"{m // 60:02d}:{m % 60:02d}") for m in range(0, 1441, 15)]


class WindowRowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        choices=[("", "Day"), *enumerate(WEEKDAYS)], coerce=int, empty_value=None, required=False
    )
    start_minute = forms.TypedChoiceField(
        choices=QUARTER_HOURS[:-1], coerce=int, initial=18 * 60, label="From"
    )
    end_minute = forms.TypedChoiceField(
        choices=QUARTER_HOURS[1:], coerce=int, initial=20 * 60, label="To"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_minute"), data.get("end_minute")
        if data.get("weekday") is not None and start is not None and end is not None:
            problems = window_problems([Window(data["weekday"], start, end)])
            if problems:
                self.add_error("end_minute", problems[0])
        return data


class GoalForm(forms.Form):
    title = forms.CharField(
        max_length=160,
        help_text="Specific and yours: “Lead my first design review by June”.",
    )
    description = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    why_it_matters = forms.CharField(
        max_length=2000,
        required=False,
        label="Why it matters to you",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Target date"
    )
    priority = forms.TypedChoiceField(
        choices=Goal.Priority.choices, coerce=int, initial=Goal.Priority.MEDIUM
    )
    skills = SkillsField(required=False, label="Skills it needs")


class GoalEditForm(GoalForm):
    status = forms.ChoiceField(choices=Goal.Status.choices)


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=160, label="New milestone")
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due"
    )


class PersonaForm(forms.Form):
    must_skills = SkillsField(required=False, label="Must-have skills")
    nice_skills = SkillsField(required=False, label="Nice-to-have skills")
    industries = forms.ModelMultipleChoiceField(
        queryset=Industry.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    min_years_experience = forms.IntegerField(
        min_value=0, max_value=50, required=False, label="Minimum years of experience"
    )
    seniority = _optional_choice(Seniority.choices)
    traits = _checkboxes(Trait.choices)
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Languages you could meet in",
    )
    min_shared_hours = forms.IntegerField(
        min_value=0,
        max_value=40,
        initial=0,
        label="Hours a week you are both free",
        help_text="0 if time zones do not matter to you.",
    )
    formats = _checkboxes(Format.choices)
    frequency = forms.ChoiceField(
        choices=[("", "No preference"), *Frequency.choices], required=False, label="How often"
    )
    ideal_mentor = forms.CharField(
        max_length=3000,
        required=False,
        label="My ideal mentor",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words: who they are, how they work, what they have done.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        must = {skill.pk for skill in data.get("must_skills", [])}
        both = [skill.name for skill in data.get("nice_skills", []) if skill.pk in must]
        if both:
            self.add_error(
                "nice_skills", f"Already a must-have: {', '.join(both)}. Keep each skill once."
            )
        return data


class BaseWindowFormSet(forms.BaseFormSet):
    """Rows of weekly windows; rows without a day are ignored, overlaps are refused."""

    def windows(self) -> list[Window]:
        return sorted(
            Window(row["weekday"], row["start_minute"], row["end_minute"])
            for row in (form.cleaned_data for form in self.forms if form.is_valid())
            if row.get("weekday") is not None
        )

    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return
        problems = window_problems(self.windows())
        if problems:
            raise ValidationError(problems)


EMAIL_FREQUENCY_HELP = {
    EmailFrequency.IMMEDIATELY: "Each notification by email as it happens.",
    EmailFrequency.DAILY: "One email a day at {hour}:00 your time with everything new. "
    "Session reminders, invites and requests that need an answer still come at once.",
    EmailFrequency.ESSENTIALS: "Only what needs you soon: requests, answers, session invites "
    "and reminders. Everything else stays in your notifications here.",
}


class EmailFrequencyForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label="How should we email you?",
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, digest_hour: int = 8, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.explanations = {
            value: text.format(hour=f"{digest_hour:02d}")
            for value, text in EMAIL_FREQUENCY_HELP.items()
        }

    def options(self) -> list[tuple[Any, str]]:
        """Each radio button with the sentence that explains it."""
        return [
            (choice, self.explanations[choice.data["value"]]) for choice in self["email_frequency"]
        ]
