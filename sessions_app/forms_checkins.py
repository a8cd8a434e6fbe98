"""Forms of check-ins: shape only, the services judge meaning."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet

from profiles.models import Milestone

PROGRESS_CHOICES = [
    (1, "1 · Stuck"),
    (2, "2 · Slow going"),
    (3, "3 · Steady"),
    (4, "4 · Good progress"),
    (5, "5 · Great progress"),
]


class MilestoneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Milestone) -> str:
        return f"{obj.title} ({obj.goal.title})"


class CheckInForm(forms.Form):
    progress = forms.TypedChoiceField(
        choices=PROGRESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="How is it going?",
        error_messages={"required": "Pick how it is going, from 1 (stuck) to 5 (great)."},
    )
    wins = forms.CharField(
        required=False,
        max_length=2000,
        label="Wins since last time",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Big or small: what went well.",
    )
    blockers = forms.CharField(
        required=False,
        max_length=2000,
        label="What is in the way",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        required=False,
        max_length=2000,
        label="Next steps",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will do before the next check-in.",
    )
    milestones = MilestoneChoiceField(
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Milestones you reached",
    )
    # One per rendered form: a double submit saves one check-in.
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, milestones: QuerySet[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestones"].queryset = milestones  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("wins", "blockers", "next_steps", "milestones")):
            raise forms.ValidationError(
                "Write a line about a win, a blocker or your next steps, or tick a milestone."
            )
        return data


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=2000,
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: encouragement, an answer to a blocker, a question.",
    )
