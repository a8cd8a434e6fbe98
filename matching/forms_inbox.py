"""Forms of the mentor's inbox and the mentorship page: shape only, the services judge meaning."""

from __future__ import annotations

from typing import Any

from django import forms

from matching.models import Mentorship, MentorshipRequest
from matching.services import AgreementTerms
from profiles.models import Frequency, Profile

# The mentor's usual rhythm (their profile) in the agreement's words.
PROFILE_TO_AGREEMENT_FREQUENCY: dict[str, str] = {
    Frequency.WEEKLY: Mentorship.Frequency.WEEKLY,
    Frequency.FORTNIGHTLY: Mentorship.Frequency.FORTNIGHTLY,
    Frequency.MONTHLY: Mentorship.Frequency.MONTHLY,
    Frequency.AD_HOC: Mentorship.Frequency.AS_NEEDED,
}


class AcceptForm(forms.Form):
    welcome_note = forms.CharField(
        required=False,
        max_length=1000,
        label="A welcome note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A line or two: what you look forward to, and how to book the first chat.",
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        choices=MentorshipRequest.DeclineReason.choices,
        widget=forms.RadioSelect,
        label="Why you are declining",
        error_messages={"required": "Choose a reason, so the mentee knows what to do next."},
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        label="A kind note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Someone else to ask, or a resource that could help.",
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        max_length=2000,
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your question first."},
        help_text="The mentee is told and answers here. You decide afterwards.",
    )


class AgreementForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=Mentorship.Frequency.choices,
        label="How often you meet",
        error_messages={"required": "Choose how often you will meet."},
    )
    session_minutes = forms.IntegerField(
        min_value=10,
        max_value=240,
        label="Session length (minutes)",
        error_messages={
            "required": "Say how long a session lasts, in minutes.",
            "min_value": "Sessions last between 10 and 240 minutes.",
            "max_value": "Sessions last between 10 and 240 minutes.",
        },
    )
    channel = forms.CharField(
        max_length=120,
        label="Where you meet",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Google Meet, link in the invite"}),
        help_text="A video link, a chat tool or a place.",
        error_messages={"required": "Say where you will meet (a video link, a place)."},
    )
    planned_end = forms.DateField(
        required=False,
        label="Planned end",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Most mentorships run three to six months; you can always extend.",
    )
    boundaries = forms.CharField(
        required=False,
        max_length=2000,
        label="Boundaries",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "e.g. Career questions, not legal advice; replies within a "
                "few days; either of us can pause.",
            }
        ),
        help_text="What is out of scope, how quickly you reply, how either of you pauses or ends.",
    )
    confidentiality = forms.CharField(
        required=False,
        max_length=2000,
        label="Confidentiality",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "e.g. What we talk about stays between us; we ask before "
                "sharing anything beyond the mentorship.",
            }
        ),
        help_text="What stays between you, and what may be shared (and with whom).",
    )

    def terms(self) -> AgreementTerms:
        data = self.cleaned_data
        return AgreementTerms(
            frequency=data["frequency"],
            session_minutes=data["session_minutes"],
            channel=data["channel"],
            planned_end=data["planned_end"],
            boundaries=data["boundaries"],
            confidentiality=data["confidentiality"],
        )


def agreement_initial(mentorship: Mentorship, mentor_profile: Profile | None) -> dict[str, Any]:
    """The agreement as it stands, or, before anyone wrote it, the mentor's usual rhythm."""
    if mentorship.frequency:
        return {
            "frequency": mentorship.frequency,
            "session_minutes": mentorship.session_minutes,
            "channel": mentorship.channel,
            "planned_end": mentorship.planned_end,
            "boundaries": mentorship.boundaries,
            "confidentiality": mentorship.confidentiality,
        }
    initial: dict[str, Any] = {
        "frequency": Mentorship.Frequency.FORTNIGHTLY,
        "session_minutes": 45,
    }
    if mentor_profile is not None:
        initial["frequency"] = PROFILE_TO_AGREEMENT_FREQUENCY.get(
            mentor_profile.session_frequency, Mentorship.Frequency.FORTNIGHTLY
        )
        initial["session_minutes"] = mentor_profile.session_minutes
    return initial
