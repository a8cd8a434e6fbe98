"""Forms for pausing and ending a mentorship: shape only, the closing services judge meaning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from profiles.models import Goal
from sessions_app.models import GoalOutcome
from sessions_app.services.closing import (
    MAX_PAUSE_DAYS,
    MAX_REASON,
    OUTCOMES,
    GoalOutcomeInput,
    ReflectionInput,
)

RATINGS = [
    ("5", "5 · Excellent"),
    ("4", "4 · Good"),
    ("3", "3 · Fine"),
    ("2", "2 · Not great"),
    ("1", "1 · Poor"),
]


class PauseForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON,
        label="Why you pause",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "e.g. A product launch takes all my evenings."}
        ),
        help_text="Shown to the other person: a line is enough.",
        error_messages={"required": "Say why you pause, in a line: it helps the other plan."},
    )
    until = forms.DateField(
        required=False,
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"It carries on by itself on this day (at most {MAX_PAUSE_DAYS // 30} months). "
        "Leave empty to resume by hand.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        widget = self.fields["until"].widget
        widget.attrs["min"] = (today + timedelta(days=1)).isoformat()
        widget.attrs["max"] = (today + timedelta(days=MAX_PAUSE_DAYS)).isoformat()


class ReflectionForm(forms.Form):
    """A closing reflection; `outcome` (how it ends) only when proposing the end."""

    outcome = forms.ChoiceField(
        choices=[
            ("completed", "Completed: we reached what we set out to do"),
            ("ended", "End early: it is not working out, or life got in the way"),
        ],
        widget=forms.RadioSelect,
        label="How it ends",
        error_messages={"required": "Choose how the mentorship ends."},
    )
    reflection = forms.CharField(
        max_length=4000,
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed for you, what you learned, what you will keep doing.",
        error_messages={"required": "Write a few words of reflection: what changed for you."},
    )
    thank_you = forms.CharField(
        required=False,
        max_length=2000,
        label="A thank-you note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the other person: they see it in your summary.",
    )
    rating = forms.TypedChoiceField(
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        label="How was the mentorship, overall?",
        help_text="Only the program team sees your rating.",
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    private_feedback = forms.CharField(
        required=False,
        max_length=4000,
        label="Private feedback for the program team",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never shown to the other person. What worked, what should change.",
    )
    stay_in_touch = forms.BooleanField(
        required=False,
        label="I would like to stay in touch",
        help_text="If you both tick it, your summary shows each other's contact links.",
    )
    become_mentor = forms.BooleanField(
        required=False,
        label="I'd like to become a mentor",
        help_text="We show you how to set up your mentor side.",
    )

    def __init__(
        self, *args: Any, goals: list[Goal], proposing: bool, is_mentee: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not proposing:
            del self.fields["outcome"]
        if not is_mentee:
            del self.fields["become_mentor"]
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                choices=GoalOutcome.Outcome.choices,
                widget=forms.RadioSelect,
                label=goal.title,
                error_messages={"required": f"Say where “{goal.title}” ended up."},
            )
            self.fields[f"goal_{goal.pk}_note"] = forms.CharField(
                required=False,
                max_length=300,
                label="A note on this goal",
                widget=forms.TextInput(attrs={"placeholder": "e.g. Interviews booked for May"}),
            )

    def goal_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"goal_{g.pk}"], self[f"goal_{g.pk}_note"]) for g in self.goals]

    def outcome_choice(self) -> str:
        value = self.cleaned_data.get("outcome", "")
        return value if value in OUTCOMES else ""

    def reflection_input(self) -> ReflectionInput:
        data = self.cleaned_data
        return ReflectionInput(
            reflection=data["reflection"],
            goal_outcomes=tuple(
                GoalOutcomeInput(g.pk, data[f"goal_{g.pk}"], data[f"goal_{g.pk}_note"])
                for g in self.goals
            ),
            thank_you=data["thank_you"],
            rating=data["rating"],
            private_feedback=data["private_feedback"],
            stay_in_touch=data["stay_in_touch"],
            become_mentor=data.get("become_mentor", False),
        )
