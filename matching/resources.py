"""Participants of a programme as CSV: one row per person, imported and exported.

An import reads each row into a person (created or updated by email), their
profile, languages, skills, goal and availability, and their enrolment. Every
row is checked before anything is written: a file with one bad row imports
nothing, and the preview names each bad row with what is wrong. Columns a
person may not set through a file (staff or superuser flags, passwords,
groups) are not columns here, so they are never read. Exported cells that a
spreadsheet would run as a formula are escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources

from matching.models import Enrolment, Program
from profiles.availability import Window
from profiles.models import Goal, Industry, Language, Proficiency, Seniority, Skill, User
from profiles.services import (
    create_goal,
    ensure_profile,
    replace_availability,
    replace_expertise,
    update_profile,
)
from profiles.validators import validate_time_zone

COLUMNS = (
    "email", "name", "role", "organisation", "current_role", "time_zone", "seniority",
    "years_experience", "industry", "languages", "skills", "goal", "availability",
    "capacity", "headline",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WINDOW = re.compile(
    r"^(?P<day>[a-z]{3})[a-z]*\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)
PROFICIENCY = {label.lower(): value for value, label in Proficiency.choices}
# The labels, their first words ("lead", "mid-level") and the short forms people write.
SENIORITY = (
    {label.lower(): value for value, label in Seniority.choices}
    | {label.split()[0].lower(): value for value, label in Seniority.choices}
    | {"mid": Seniority.MID, "manager": Seniority.LEAD, "exec": Seniority.EXECUTIVE}
)
ROLES = {"mentee": "mentee", "mentor": "mentor", "both": "both"}


def escape_formula(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;\n]", text or "") if item.strip()]


def _minute(clock: str) -> int:
    hours, minutes = (int(part) for part in clock.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > 1440:
        raise ValueError(clock)
    return hours * 60 + minutes


@dataclass
class Parsed:
    """One row, checked: what the import will write."""

    email: str
    name: str
    role: str
    profile: dict[str, Any] = field(default_factory=dict)
    languages: list[tuple[Language, int]] = field(default_factory=list)
    expertise: list[tuple[Skill, int]] = field(default_factory=list)
    wanted: list[Skill] = field(default_factory=list)
    goal: str = ""
    windows: list[Window] | None = None


class Lookups:
    """The taxonomy by lower-case name (and languages by code), read once per import."""

    def __init__(self) -> None:
        self.skills = {s.name.lower(): s for s in Skill.objects.all()}
        self.industries = {i.name.lower(): i for i in Industry.objects.all()}
        self.languages = {lang.name.lower(): lang for lang in Language.objects.all()} | {
            lang.code.lower(): lang for lang in Language.objects.all()
        }


def parse_row(row: dict[str, Any], lookups: Lookups) -> Parsed:
    """The row's values, or a ValidationError naming every problem by column."""
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    email = text("email").lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = f"“{text('email')}” is not an email address."
    role = ROLES.get(text("role").lower(), "")
    if not role:
        errors["role"] = "Role is mentee, mentor or both."
    parsed = Parsed(email=email, name=text("name")[:150], role=role)
    profile = parsed.profile
    for name in ("organisation", "current_role", "headline"):
        if text(name):
            profile[name] = text(name)[: 140 if name == "headline" else 120]
    if text("time_zone"):
        try:
            validate_time_zone(text("time_zone"))
            profile["time_zone"] = text("time_zone")
        except ValidationError:
            errors["time_zone"] = (
                f"Unknown time zone “{text('time_zone')}” (use e.g. Europe/Lisbon)."
            )
    if text("seniority"):
        value = text("seniority").lower()
        level = int(value) if value.isdigit() else SENIORITY.get(value)
        if level not in Seniority.values:
            errors["seniority"] = "Seniority is one of: " + ", ".join(Seniority.labels) + "."
        else:
            profile["seniority"] = level
    if text("years_experience"):
        if not text("years_experience").isdigit() or int(text("years_experience")) > 70:
            errors["years_experience"] = "Years of experience is a whole number from 0 to 70."
        else:
            profile["years_experience"] = int(text("years_experience"))
    if text("industry"):
        industry = lookups.industries.get(text("industry").lower())
        if industry is None:
            errors["industry"] = f"Unknown industry “{text('industry')}”."
        else:
            profile["industry"] = industry
    if text("capacity"):
        if not text("capacity").isdigit() or int(text("capacity")) > 20:
            errors["capacity"] = "Capacity is a whole number of mentees from 0 to 20."
        else:
            profile["capacity"] = int(text("capacity"))
    bad = []
    for item in _items(text("languages")):
        spoken, _, how = (part.strip().lower() for part in item.partition(":"))
        language = lookups.languages.get(spoken)
        proficiency = PROFICIENCY.get(how or "fluent")
        if language is None or proficiency is None:
            bad.append(item)
        else:
            parsed.languages.append((language, proficiency))
    if bad:
        errors["languages"] = (
            f"Not understood: {', '.join(bad)} (write e.g. “English: fluent; Spanish: basic”)."
        )
    bad = []
    for item in _items(text("skills")):
        skill_name, _, depth = (part.strip() for part in item.partition(":"))
        skill = lookups.skills.get(skill_name.lower())
        if skill is None or (depth and (not depth.isdigit() or not 1 <= int(depth) <= 5)):
            bad.append(item)
            continue
        if role in ("mentor", "both"):
            parsed.expertise.append((skill, int(depth or 3)))
        if role in ("mentee", "both"):
            parsed.wanted.append(skill)
    if bad:
        errors["skills"] = (
            f"Unknown skill or level: {', '.join(bad)} (skills from the taxonomy, levels 1–5)."
        )
    parsed.goal = text("goal")[:160]
    if text("availability"):
        windows, bad = [], []
        for item in _items(text("availability")):
            match = WINDOW.match(item.lower())
            try:
                if match is None or match["day"] not in DAYS:
                    raise ValueError(item)
                start, end = _minute(match["start"]), _minute(match["end"])
                if start >= end:
                    raise ValueError(item)
                windows.append(Window(DAYS[match["day"]], start, end))
            except ValueError:
                bad.append(item)
        if bad:
            errors["availability"] = (
                f"Not understood: {', '.join(bad)} (write e.g. “Mon 18:00-20:00; Wed 07:00-08:30”)."
            )
        parsed.windows = windows
    if errors:
        raise ValidationError(errors)
    return parsed


class ParticipantResource(resources.ModelResource):
    """A programme's people, one row each (the programme comes from the import form)."""

    email = fields.Field(attribute="user__email", column_name="email")
    name = fields.Field(attribute="user__name", column_name="name")
    role = fields.Field(attribute="role", column_name="role")
    organisation = fields.Field(attribute="user__profile__organisation", column_name="organisation")
    current_role = fields.Field(attribute="user__profile__current_role", column_name="current_role")
    time_zone = fields.Field(attribute="user__profile__time_zone", column_name="time_zone")
    seniority = fields.Field(column_name="seniority")
    years_experience = fields.Field(
        attribute="user__profile__years_experience", column_name="years_experience"
    )
    industry = fields.Field(attribute="user__profile__industry__name", column_name="industry")
    languages = fields.Field(column_name="languages")
    skills = fields.Field(column_name="skills")
    goal = fields.Field(column_name="goal")
    availability = fields.Field(column_name="availability")
    capacity = fields.Field(attribute="user__profile__capacity", column_name="capacity")
    headline = fields.Field(attribute="user__profile__headline", column_name="headline")

    class Meta:
        model = Enrolment
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("email",)
        use_transactions = True
        skip_unchanged = False
        report_skipped = True

    def __init__(self, program: Program | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.program = program
        self._lookups: Lookups | None = None
        self._seen: dict[str, int] = {}

    # --- Import ------------------------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if self.program is None:
            raise ValidationError("Choose the programme to import into.")
        headers = {str(h).strip().lower() for h in dataset.headers or []}
        missing = {"email", "role"} - headers
        if missing:
            raise ValidationError(
                f"The file needs the columns {', '.join(sorted(missing))} (see the sample CSV)."
            )
        self._lookups = Lookups()
        self._seen = {}

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Enrolment | None:
        email = str(row.get("email") or "").strip()
        if not email:
            return None
        return (
            Enrolment.objects.select_related("user")
            .filter(program=self.program, user__email__iexact=email)
            .first()
        )

    def init_instance(self, row: dict[str, Any] | None = None) -> Enrolment:
        return Enrolment(program=self.program, source=Enrolment.Source.IMPORT)

    def import_instance(self, instance: Enrolment, row: dict[str, Any], **kwargs: Any) -> None:
        """Check the whole row; errors become the preview's named row errors."""
        assert self._lookups is not None
        errors: dict[str, list[str]] = {}
        parsed: Parsed | None = None
        try:
            parsed = parse_row(row, self._lookups)
        except ValidationError as error:
            errors = {name: list(messages) for name, messages in error.message_dict.items()}
        email = str(row.get("email") or "").strip().lower()
        number = kwargs.get("row_number") or len(self._seen) + 1
        first = self._seen.setdefault(email, number) if email else number
        if first != number:
            errors.setdefault("email", []).append(f"{email} is already on row {first}.")
        existing = User.objects.filter(email__iexact=email).first() if email else None
        if existing is not None and (existing.is_staff or existing.is_superuser):
            # A file must not be a way to rewrite staff accounts' profiles.
            errors.setdefault("email", []).append(
                f"{email} is a staff account: enrol staff by hand."
            )
        if errors or parsed is None:
            raise ValidationError(errors)
        instance.role = parsed.role
        instance._parsed = parsed  # type: ignore[attr-defined]

    @transaction.atomic
    def save_instance(
        self, instance: Enrolment, is_create: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        parsed: Parsed = instance._parsed  # type: ignore[attr-defined]
        user = User.objects.filter(email__iexact=parsed.email).first()
        if user is None:
            user = User(email=parsed.email, name=parsed.name)
            # They choose a password through "forgot your password?" (or an invite).
            user.set_unusable_password()
            user.save()
        elif parsed.name and user.name != parsed.name:
            user.name = parsed.name
            user.save(update_fields=["name"])
        profile = ensure_profile(user=user)
        sides = {
            "is_mentee": profile.is_mentee or parsed.role in ("mentee", "both"),
            "is_mentor": profile.is_mentor or parsed.role in ("mentor", "both"),
        }
        update_profile(
            profile=profile,
            fields={**parsed.profile, **sides},
            languages=parsed.languages or None,
        )
        if parsed.expertise:
            replace_expertise(profile=profile, items=parsed.expertise)
        if parsed.windows is not None:
            replace_availability(profile=profile, windows=parsed.windows)
        if parsed.goal and not Goal.objects.filter(owner=user, title__iexact=parsed.goal).exists():
            create_goal(owner=user, fields={"title": parsed.goal}, skills=parsed.wanted)
        instance.user = user
        instance.program = self.program  # type: ignore[assignment]
        if is_create or not instance.pk:
            instance.source = Enrolment.Source.IMPORT
        instance.save()

    # --- Export ------------------------------------------------------------------------------

    def get_export_queryset(self, request: Any = None) -> Any:
        enrolments = Enrolment.objects.select_related("user__profile__industry").prefetch_related(
            "user__profile__languages__language",
            "user__profile__expertise__skill",
            "user__profile__availability",
        )
        return enrolments.filter(program=self.program) if self.program else enrolments

    def dehydrate_seniority(self, enrolment: Enrolment) -> str:
        profile = getattr(enrolment.user, "profile", None)
        return profile.get_seniority_display() if profile and profile.seniority else ""

    def dehydrate_languages(self, enrolment: Enrolment) -> str:
        profile = getattr(enrolment.user, "profile", None)
        if profile is None:
            return ""
        return "; ".join(
            f"{item.language.name}: {item.get_proficiency_display().lower()}"
            for item in profile.languages.all()
        )

    def dehydrate_skills(self, enrolment: Enrolment) -> str:
        profile = getattr(enrolment.user, "profile", None)
        if profile is None:
            return ""
        return "; ".join(f"{item.skill.name}: {item.level}" for item in profile.expertise.all())

    def dehydrate_goal(self, enrolment: Enrolment) -> str:
        return ""

    def dehydrate_availability(self, enrolment: Enrolment) -> str:
        profile = getattr(enrolment.user, "profile", None)
        if profile is None:
            return ""
        names = list(DAYS)
        return "; ".join(
            f"{names[w.weekday].title()} {w.start_minute // 60:02d}:{w.start_minute % 60:02d}-"
            f"{w.end_minute // 60:02d}:{w.end_minute % 60:02d}"
            for w in profile.availability.all()
        )

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return escape_formula(super().export_field(field, instance, **kwargs))
