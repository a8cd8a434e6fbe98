"""The mentor filters, one form for the browse page and the API (same meaning in both),
and the outreach form: the parts of a first message to a mentor."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from matching.index import Vocabulary
from matching.models import MentorshipRequest, Program
from matching.outreach import OutreachParts
from matching.selectors import MentorFilters
from matching.selectors_programs import browsable_programs
from profiles.models import Goal, Industry, Language, MentoringKind, Skill, User


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
        empty_label="Everyone (no programme)",
        label="Programme",
        error_messages={
            "invalid_choice": "Choose one of your programmes in which mentees choose a mentor."
        },
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            # Only the person's own programmes, and only where mentees choose.
            field = self.fields["program"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = browsable_programs(user=user).order_by("name")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def filters(self) -> MentorFilters:
        """The filters from the fields that are valid (call is_valid() first)."""
        data = getattr(self, "cleaned_data", {})
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


@lru_cache(maxsize=8)
def _sorted_options(vocab: Vocabulary, kind: str) -> tuple[tuple[str, str], ...]:
    ids, names = {
        "skill": (vocab.skill_ids, vocab.skill_names),
        "industry": (vocab.industry_ids, vocab.industry_names),
        "language": (vocab.language_ids, vocab.language_names),
    }[kind]
    pairs = sorted(zip(names, ids.tolist(), strict=True), key=lambda pair: pair[0].lower())
    return tuple((str(pk), str(escape(name))) for name, pk in pairs)


TAXONOMY_FIELDS = {"skill": "Any skill", "industry": "Any industry", "language": "Any language"}


def _options(choices: Iterable[tuple[str, str]], chosen: str) -> SafeString:
    parts = [
        f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
        for value, label in choices
    ]
    return mark_safe("".join(parts))  # noqa: S308  (values are ids or fixed words, labels escaped)


def filter_options(
    vocab: Vocabulary, form: MentorFilterForm, programs: Iterable[Program] = ()
) -> dict[str, SafeString]:
    """Every select's options as HTML: the taxonomy from the index's vocabulary.

    The same choices the form validates, without a query or a widget template per
    option on every browse (about 130 of them).
    """

    def chosen(name: str) -> str:
        return str(form.data.get(name, "")) if form.is_bound else ""

    out = {
        name: _options([("", empty), *_sorted_options(vocab, name)], chosen(name))
        for name, empty in TAXONOMY_FIELDS.items()
    }
    out["kind"] = _options(
        [("", "Any kind"), *((v, str(escape(label))) for v, label in MentoringKind.choices)],
        chosen("kind"),
    )
    out["accepting"] = _options(
        [("true", "Taking mentees now"), ("false", "Everyone")], chosen("accepting") or "true"
    )
    out["program"] = _options(
        [
            ("", "Everyone (no programme)"),
            *((str(escape(p.slug)), str(escape(p.name))) for p in programs),
        ],
        chosen("program"),
    )
    return out


# --- Outreach: the mentee's first message to a mentor ----------------------------------

CLOSING_STARTER = (
    "I know your time is precious, so I'm happy to fit around your calendar, and no "
    "worries at all if now isn't a good moment. Thank you for reading!"
)


class OutreachForm(forms.Form):
    """The five parts of a good first message; the service checks what may be sent."""

    subject = forms.CharField(
        max_length=150,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": "e.g. Your talk on payments, and one question from a new engineer"
            }
        ),
    )
    opening = forms.CharField(
        label="Personal opening",
        max_length=1200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Something of theirs you read, used or admired: their work, a talk, a skill.",
    )
    introduction = forms.CharField(
        label="Who you are and why them",
        max_length=2000,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": "A line about you and where you want to go, and why their "
                "experience is the one you want to learn from.",
            }
        ),
    )
    goal = forms.ChoiceField(label="The goal it is about", required=False)
    ask = forms.ChoiceField(
        label="What you are asking for",
        choices=MentorshipRequest.Ask.choices,
        initial=MentorshipRequest.Ask.INTRO_CALL,
        widget=forms.RadioSelect,
        help_text="A small, time-boxed ask is the easiest to say yes to.",
    )
    closing = forms.CharField(
        label="Flexibility and thanks",
        max_length=700,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, goals: list[Goal], mentor_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {str(goal.pk): goal for goal in goals}
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ChoiceField)
        goal_field.choices = [("", "No particular goal")] + [
            (pk, goal.title) for pk, goal in self.goals.items()
        ]
        active = next((g for g in goals if g.status == Goal.Status.ACTIVE), None)
        self.initial.setdefault("goal", str(active.pk) if active else "")
        self.initial.setdefault("opening", f"Hi {mentor_name},\n\n")
        self.initial.setdefault("closing", CLOSING_STARTER)
        for name, field in self.fields.items():
            if name != "ask":
                field.widget.attrs.setdefault("class", "input")

    def _raw(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(name, ""))
        return str(self.initial.get(name, self.fields[name].initial or ""))

    def chosen_goal(self) -> Goal | None:
        return self.goals.get(self._raw("goal"))

    def chosen_ask(self) -> str:
        ask = self._raw("ask")
        return ask if ask in MentorshipRequest.Ask.values else MentorshipRequest.Ask.INTRO_CALL

    def parts(self) -> OutreachParts:
        """The draft as typed, valid or not, for hints and the preview."""
        return OutreachParts(
            subject=self._raw("subject"),
            opening=self._raw("opening"),
            introduction=self._raw("introduction"),
            closing=self._raw("closing"),
            open_ended_ask=self.chosen_ask() == MentorshipRequest.Ask.MENTORSHIP,
            goal_chosen=self.chosen_goal() is not None,
            has_goals=bool(self.goals),
        )
