"""The mentor filters, one form for the browse page and the API (same meaning in both)."""

from __future__ import annotations

from typing import Any

from django import forms

from matching.models import Program
from matching.selectors import MentorFilters
from profiles.models import Industry, Language, MentoringKind, Skill


class MentorFilterForm(forms.Form):
    skill = forms.ModelChoiceField(
        Skill.objects.order_by("name"), required=False, empty_label="Any skill"
    )
    industry = forms.ModelChoiceField(
        Industry.objects.order_by("name"), required=False, empty_label="Any industry"
    )
    language = forms.ModelChoiceField(
        Language.objects.order_by("name"), required=False, empty_label="Any language"
    )
    min_hours = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=40,
        decimal_places=2,
        label="Shared hours a week (min.)",
    )
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *MentoringKind.choices],
        required=False,
        label="Kind of mentoring",
    )
    accepting = forms.ChoiceField(
        choices=[("true", "Taking mentees now"), ("false", "Everyone")],
        required=False,
        label="Show",
    )
    program = forms.ModelChoiceField(
        Program.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Default weights",
        label="Programme",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def filters(self) -> MentorFilters:
        data = self.cleaned_data
        min_hours = data.get("min_hours")
        return MentorFilters(
            skill=data["skill"].pk if data.get("skill") else None,
            industry=data["industry"].pk if data.get("industry") else None,
            language=data["language"].pk if data.get("language") else None,
            min_hours=float(min_hours) if min_hours else None,
            kind=data.get("kind") or None,
            accepting_only=data.get("accepting") != "false",
            program=data.get("program"),
        )

    def is_filtered(self) -> bool:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return False
        data = self.cleaned_data
        return (
            any(data.get(name) for name in ("skill", "industry", "language", "min_hours", "kind"))
            or data.get("accepting") is False
        )
