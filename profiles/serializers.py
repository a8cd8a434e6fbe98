"""API shapes for profiles, goals, personas and availability.

Serializers check shape only (types, ranges, known ids and choices); the
services in `profiles.services` check meaning and do every write.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from profiles.models import (
    AvailabilityWindow,
    Expertise,
    Format,
    Frequency,
    Goal,
    Industry,
    Language,
    MentoringKind,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    Seniority,
    Skill,
    Trait,
    User,
)
from profiles.validators import (
    validate_contact_links,
    validate_formats,
    validate_mentoring_kinds,
    validate_traits,
)

# --- Reference data ------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer[Skill]):
    category = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Skill
        fields = ("id", "name", "category")
        read_only_fields = fields


class LanguageSerializer(serializers.ModelSerializer[Language]):
    class Meta:
        model = Language
        fields = ("id", "code", "name")
        read_only_fields = fields


class IndustrySerializer(serializers.ModelSerializer[Industry]):
    class Meta:
        model = Industry
        fields = ("id", "name")
        read_only_fields = fields


def _choices_list(choices: list[tuple[str, str]], validator: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, validators=[validator]
    )


# --- Profile (inside me/) -----------------------------------------------------------------


class ProfileLanguageSerializer(serializers.ModelSerializer[ProfileLanguage]):
    language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all())

    class Meta:
        model = ProfileLanguage
        fields = ("language", "proficiency")


class ExpertiseSerializer(serializers.ModelSerializer[Expertise]):
    skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all())
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = Expertise
        fields = ("skill", "skill_name", "level")


class ProfileSerializer(serializers.ModelSerializer[Profile]):
    """Everything a person says about themselves; roles, mentee and mentor sides."""

    traits = _choices_list(Trait.choices, validate_traits)
    formats = _choices_list(Format.choices, validate_formats)
    mentoring_kinds = _choices_list(MentoringKind.choices, validate_mentoring_kinds)
    contact_links = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        validators=[validate_contact_links],
        help_text="Up to five https:// or mailto: links; shown to others only inside a mentorship.",
    )
    languages = ProfileLanguageSerializer(many=True, required=False)
    expertise = ExpertiseSerializer(many=True, required=False)

    class Meta:
        model = Profile
        fields = (
            "is_mentee",
            "is_mentor",
            "headline",
            "bio",
            "country",
            "time_zone",
            "current_role",
            "organisation",
            "industry",
            "years_experience",
            "seniority",
            "traits",
            "formats",
            "contact_links",
            "mentoring_kinds",
            "mentor_industries",
            "capacity",
            "accepting_mentees",
            "paused_until",
            "how_i_can_help",
            "session_minutes",
            "session_frequency",
            "email_frequency",
            "languages",
            "expertise",
            "onboarding_completed_at",
        )
        read_only_fields = ("onboarding_completed_at",)
        extra_kwargs = {"session_minutes": {"min_value": 15, "max_value": 240}}


class MeSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(read_only=True)
    profile = ProfileSerializer(required=False)

    class Meta:
        model = User
        fields = ("id", "email", "name", "display_name", "is_staff", "date_joined", "profile")
        read_only_fields = ("id", "email", "is_staff", "date_joined")


# --- Goals and milestones -------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    done = serializers.BooleanField(source="is_done", required=False)

    class Meta:
        model = Milestone
        fields = ("id", "goal", "title", "due_date", "done", "done_at", "created_at")
        read_only_fields = ("id", "goal", "done_at", "created_at")


class GoalSerializer(serializers.ModelSerializer[Goal]):
    skills = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Skill.objects.all(), required=False
    )
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = (
            "id",
            "title",
            "description",
            "why_it_matters",
            "target_date",
            "priority",
            "status",
            "skills",
            "milestones",
            "achieved_at",
            "created_at",
        )
        read_only_fields = ("id", "achieved_at", "created_at")


# --- Persona ------------------------------------------------------------------------------


class PersonaSkillSerializer(serializers.ModelSerializer[PersonaSkill]):
    skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.all())
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = PersonaSkill
        fields = ("skill", "skill_name", "importance")


class PersonaSerializer(serializers.ModelSerializer[Persona]):
    """The mentor a mentee is looking for. PUT replaces it: what is left out is reset."""

    skills = PersonaSkillSerializer(many=True, default=list)
    industries = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Industry.objects.all(), default=list
    )
    # The stubs type `default` as one Language; with many=True it is the whole list.
    languages = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Language.objects.all(),
        default=list,  # type: ignore[arg-type]
    )
    min_years_experience = serializers.IntegerField(
        min_value=0, max_value=50, allow_null=True, default=None
    )
    seniority = serializers.ChoiceField(choices=Seniority.choices, allow_null=True, default=None)
    traits = serializers.ListField(
        child=serializers.ChoiceField(choices=Trait.choices),
        default=list,
        validators=[validate_traits],
    )
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=Format.choices),
        default=list,
        validators=[validate_formats],
    )
    frequency = serializers.ChoiceField(
        choices=[("", "No preference"), *Frequency.choices], default=""
    )
    min_shared_hours = serializers.IntegerField(min_value=0, max_value=40, default=0)
    ideal_mentor = serializers.CharField(
        max_length=3000, allow_blank=True, default="", trim_whitespace=False
    )
    # null until the person first describes a mentor (see empty_persona).
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Persona
        fields = (
            "skills",
            "industries",
            "languages",
            "min_years_experience",
            "seniority",
            "traits",
            "formats",
            "frequency",
            "min_shared_hours",
            "ideal_mentor",
            "updated_at",
        )
        read_only_fields = ("updated_at",)


def empty_persona() -> dict[str, Any]:
    """What GET persona/ answers before the person has described a mentor."""
    return {
        "skills": [],
        "industries": [],
        "languages": [],
        "min_years_experience": None,
        "seniority": None,
        "traits": [],
        "formats": [],
        "frequency": "",
        "min_shared_hours": 0,
        "ideal_mentor": "",
        "updated_at": None,
    }


# --- Availability -------------------------------------------------------------------------

_CLOCK = re.compile(r"^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")


@extend_schema_field({"type": "string", "pattern": _CLOCK.pattern, "example": "18:00"})
class ClockField(serializers.Field):
    """A wall-clock time "HH:MM" as minutes after local midnight; "24:00" ends a day."""

    default_error_messages = {"invalid": "Use a 24-hour time such as 18:00 (or 24:00)."}

    def to_internal_value(self, data: Any) -> int:
        match = _CLOCK.match(data) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        hour, minute = (int(part) for part in match.groups() if part is not None)
        return hour * 60 + minute

    def to_representation(self, value: int) -> str:
        return f"{value // 60:02d}:{value % 60:02d}"


class WindowSerializer(serializers.ModelSerializer[AvailabilityWindow]):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday"
    )
    start = ClockField(source="start_minute", help_text="Local time, HH:MM")
    end = ClockField(source="end_minute", help_text="Local time, HH:MM; 24:00 for midnight")

    class Meta:
        model = AvailabilityWindow
        fields = ("weekday", "start", "end")


class AvailabilitySerializer(serializers.Serializer[Any]):
    time_zone = serializers.CharField(
        read_only=True,
        help_text="The profile's IANA zone the windows are in; change it with PATCH me/.",
    )
    windows = WindowSerializer(many=True)
    hours_per_week = serializers.FloatField(read_only=True)
