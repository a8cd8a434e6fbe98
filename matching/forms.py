"""The mentor filters, one form for the browse page and the API (same meaning in both)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from matching.index import Vocabulary
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
        [("", "Default weights"), *((str(escape(p.slug)), str(escape(p.name))) for p in programs)],
        chosen("program"),
    )
    return out
