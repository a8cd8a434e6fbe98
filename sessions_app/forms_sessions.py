"""Forms for sessions: they check shape; the services check the rules.

Typed times ("other time") are wall-clock times in the viewer's own zone and
become UTC here; a time the clocks skip is an error next to the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime

from sessions_app import times
from sessions_app.services.sessions import MAX_MINUTES, MAX_OPTIONS, MIN_MINUTES

OTHER_FIELDS = ("other_1", "other_2", "other_3")


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": 900}, format="%Y-%m-%dT%H:%M"
    )


class WallTimeField(forms.DateTimeField):
    """A wall-clock time with no zone yet: the form places it on the person's own clock
    (Django would place it in the active zone and reject DST gaps with a vague message)."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        try:
            result = parse_datetime(str(value).strip())
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if result is None:
            result = forms.fields.BaseTemporalField.to_python(self, value)
        assert isinstance(result, datetime)
        return result.replace(tzinfo=None)


class InstantsField(forms.Field):
    """Checked suggestions: ISO 8601 instants with an offset."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[datetime]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        instants = []
        for item in values:
            try:
                moment = datetime.fromisoformat(str(item))
            except ValueError as error:
                raise forms.ValidationError("A suggested time could not be read.") from error
            if moment.tzinfo is None:
                raise forms.ValidationError("A suggested time could not be read.")
            instants.append(moment)
        return instants


class TimesForm(forms.Form):
    """Suggested times (checkboxes, UTC ISO values) plus up to three typed local times."""

    # Any offered time is accepted back, even if the suggestions moved meanwhile
    # (a changed length, a minute later); the service checks it is still ahead.
    suggested = InstantsField(required=False, label="Suggested times")
    other_1 = WallTimeField(required=False, widget=_local_input(), label="Another time")
    other_2 = WallTimeField(required=False, widget=_local_input(), label="Another time")
    other_3 = WallTimeField(required=False, widget=_local_input(), label="Another time")

    def __init__(
        self, *args: Any, zone: str, suggestions: list[datetime] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.suggestions = suggestions or []

    def _typed(self, name: str) -> datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        try:
            return times.from_local(value, self.zone)
        except times.NonexistentTime:
            self.add_error(
                name,
                f"{value:%d %b %Y %H:%M} does not exist in {times.city(self.zone)}: the clocks "
                "skip that hour for daylight saving time. Pick another time.",
            )
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts = list(data.get("suggested") or [])
        for name in OTHER_FIELDS:
            typed = self._typed(name)
            if typed is not None:
                starts.append(typed)
        if not self.errors:
            if not starts:
                raise forms.ValidationError("Pick at least one time, or type another time.")
            if len(starts) > MAX_OPTIONS:
                raise forms.ValidationError(f"Pick at most {MAX_OPTIONS} times.")
        data["starts"] = starts
        return data


class ProposeForm(TimesForm):
    duration_minutes = forms.IntegerField(
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        label="Length (minutes)",
        error_messages={
            "required": "Say how long the session lasts, in minutes.",
            "min_value": f"Sessions last between {MIN_MINUTES} and {MAX_MINUTES} minutes.",
            "max_value": f"Sessions last between {MIN_MINUTES} and {MAX_MINUTES} minutes.",
        },
    )
    location = forms.CharField(
        required=False,
        max_length=300,
        label="Where",
        help_text="A video link or a place.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. https://meet.example.org/ana-ben"}),
    )
    agenda = forms.CharField(
        required=False,
        max_length=4000,
        label="Agenda",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What would you like to talk about?"}
        ),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=1000,
        label="Reason",
        help_text="Shown to the other person.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotesForm(forms.Form):
    agenda = forms.CharField(
        required=False, max_length=4000, label="Agenda", widget=forms.Textarea(attrs={"rows": 3})
    )
    shared_notes = forms.CharField(
        required=False,
        max_length=10000,
        label="Shared notes",
        help_text="You both see and edit these.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=10000,
        label="Your private note",
        help_text="Only you can see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoShowForm(forms.Form):
    absent = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    option = forms.IntegerField(widget=forms.HiddenInput)
