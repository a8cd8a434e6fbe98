from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from profiles.validators import (
    validate_contact_links,
    validate_formats,
    validate_mentoring_kinds,
    validate_time_zone,
    validate_traits,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Email is the login and is matched without regard to case.
        return self.get(email__iexact=username)


# What others see in place of someone who deleted their account.
FORMER_MEMBER = "A former member"


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; there is no username."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField("full name", max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log in to the admin site.")
    is_active = models.BooleanField(
        default=True, help_text="Unticked instead of deleting an account."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person deleted their account (profiles.privacy.delete_account): the
    # row stays so shared history reads "A former member", with nothing personal left.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("email",)
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name people see: the full name, or the part of the email before @.

        A deleted account's name is FORMER_MEMBER (profiles.privacy.delete_account);
        only `name` and `email` are read, so querysets that load just those stay cheap.
        """
        return self.name or self.email.split("@", 1)[0]

    @property
    def is_former_member(self) -> bool:
        """True once the person deleted their account (only their shared history is left)."""
        return self.deleted_at is not None

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        if not self.name or self.name == FORMER_MEMBER:
            return self.display_name
        return self.name.split(" ", 1)[0]


# --- Reference data (managed in admin) ------------------------------------------


class Language(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ISO 639-1, e.g. en, es, ja")
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name


class SkillCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "skill categories"

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=80)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


# --- Fixed lists ----------------------------------------------------------------


class Seniority(models.IntegerChoices):
    # Ordered, so the matching engine can compare levels.
    STUDENT = 1, "Student or career changer"
    JUNIOR = 2, "Junior"
    MID = 3, "Mid-level"
    SENIOR = 4, "Senior"
    LEAD = 5, "Lead or manager"
    EXECUTIVE = 6, "Executive"


class Trait(models.TextChoices):
    DIRECT = "direct", "Direct"
    ENCOURAGING = "encouraging", "Encouraging"
    STRUCTURED = "structured", "Structured"
    EXPLORATORY = "exploratory", "Exploratory"
    CHALLENGING = "challenging", "Challenging"
    REFLECTIVE = "reflective", "Reflective"


class Format(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    IN_PERSON = "in_person", "In person"


class MentoringKind(models.TextChoices):
    CAREER = "career", "Career"
    SKILLS = "skills", "Skills"
    LEADERSHIP = "leadership", "Leadership"
    ENTREPRENEURSHIP = "entrepreneurship", "Entrepreneurship"
    PEER = "peer", "Peer"
    REVERSE = "reverse", "Reverse"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    AD_HOC = "ad_hoc", "When needed"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "A daily digest"
    ESSENTIALS = "essentials", "Only essentials"


class Proficiency(models.IntegerChoices):
    BASIC = 1, "Basic"
    CONVERSATIONAL = 2, "Conversational"
    FLUENT = 3, "Fluent"
    NATIVE = 4, "Native"


# --- The profile ------------------------------------------------------------------


class Profile(models.Model):
    """What a person tells us about themselves: both sides, mentee and mentor."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    is_mentee = models.BooleanField(default=False)
    is_mentor = models.BooleanField(default=False)
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    country = models.CharField(max_length=60, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    current_role = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    seniority = models.PositiveSmallIntegerField(choices=Seniority.choices, null=True, blank=True)
    traits = models.JSONField(default=list, blank=True, validators=[validate_traits])
    formats = models.JSONField(default=list, blank=True, validators=[validate_formats])
    # Shown to others only inside a mentorship.
    contact_links = models.JSONField(default=list, blank=True, validators=[validate_contact_links])

    # Mentor side.
    mentoring_kinds = models.JSONField(
        default=list, blank=True, validators=[validate_mentoring_kinds]
    )
    mentor_industries = models.ManyToManyField(Industry, blank=True, related_name="mentors")
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(20)], help_text="Mentees at once (0–20)."
    )
    accepting_mentees = models.BooleanField(default=True)
    paused_until = models.DateField(null=True, blank=True)
    # Expired requests count towards an automatic pause only after this moment
    # (set when the mentor resumes, so a fresh start is a fresh count).
    expiry_streak_since = models.DateTimeField(null=True, blank=True, editable=False)
    how_i_can_help = models.TextField(blank=True, max_length=2000)
    session_minutes = models.PositiveSmallIntegerField(default=45)
    session_frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.FORTNIGHTLY
    )

    # How notifications reach the inbox: each at once, non-essential ones bundled
    # into one daily email, or only the essential ones (the app shows them all).
    email_frequency = models.CharField(
        max_length=12, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATELY
    )
    onboarding_completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The DataClock value of this person's last change that matching reads
    # (profile fields, languages, expertise, availability, goals, persona):
    # each process's mentor index re-encodes exactly the people newer than it.
    data_version = models.PositiveBigIntegerField(default=0, db_index=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__lte=20), name="profile_capacity_max"
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__isnull=True)
                | models.Q(years_experience__lte=70),
                name="profile_years_experience_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class DataClock(models.Model):
    """One row: a counter bumped by every change matching reads (see Profile.data_version).

    The increment is an UPDATE on this row, which holds the row lock until the
    change commits, so versions commit in order: a reader that sees version V
    sees every change up to V.
    """

    version = models.PositiveBigIntegerField(default=0)
    # Bumped (with version) when skills, languages or industries are added,
    # renamed or removed: indexes then rebuild their vocabulary.
    taxonomy_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Profile data version {self.version}"


class ProfileLanguage(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    proficiency = models.PositiveSmallIntegerField(
        choices=Proficiency.choices, default=Proficiency.FLUENT
    )

    class Meta:
        ordering = ("-proficiency", "language__name")
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="profile_language_once")
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_proficiency_display()})"


class Expertise(models.Model):
    """A skill a mentor can help with, at a level from 1 (some) to 5 (expert)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="expertise")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ("-level", "skill__name")
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="expertise_skill_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="expertise_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level}/5)"


class AvailabilityWindow(models.Model):
    """A weekly window in the person's own time zone: weekday, start and end minute.

    Stored as local wall-clock time plus the profile's IANA zone, so "Mondays
    18:00-20:00 in Los Angeles" stays true across daylight-saving changes;
    `profiles.availability` turns windows into real UTC hours for a given week.
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_minute = models.PositiveSmallIntegerField(help_text="Minutes after local midnight")
    end_minute = models.PositiveSmallIntegerField(help_text="Up to 1440 (midnight)")

    class Meta:
        ordering = ("weekday", "start_minute")
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="window_weekday"),
            models.CheckConstraint(
                condition=models.Q(start_minute__lt=models.F("end_minute"), end_minute__lte=1440),
                name="window_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start_minute}-{self.end_minute}"


# --- Mentee side -----------------------------------------------------------------------


class Goal(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        MEDIUM = 2, "Medium"
        LOW = 3, "Low"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=4000)
    why_it_matters = models.TextField(blank=True, max_length=2000)
    target_date = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    achieved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("status", "priority", "-created_at")
        indexes = [models.Index(fields=["owner", "status"], name="goal_owner_status_idx")]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=160)
    due_date = models.DateField(null=True, blank=True)
    # When it was reached: the record the mentor sees later.
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("done_at", "due_date", "created_at")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Persona(models.Model):
    """The mentor a mentee is looking for: must-haves, nice-to-haves, and why."""

    owner = models.OneToOneField(User, on_delete=models.CASCADE, related_name="persona")
    industries = models.ManyToManyField(Industry, blank=True, related_name="+")
    languages = models.ManyToManyField(Language, blank=True, related_name="+")
    min_years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(50)]
    )
    seniority = models.PositiveSmallIntegerField(choices=Seniority.choices, null=True, blank=True)
    traits = models.JSONField(default=list, blank=True, validators=[validate_traits])
    formats = models.JSONField(default=list, blank=True, validators=[validate_formats])
    frequency = models.CharField(max_length=12, choices=Frequency.choices, blank=True)
    min_shared_hours = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(40)],
        help_text="Hours a week both of you are available",
    )
    ideal_mentor = models.TextField(blank=True, max_length=3000)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentor persona of {self.owner}"


class PersonaSkill(models.Model):
    class Importance(models.TextChoices):
        MUST = "must", "Must have"
        NICE = "nice", "Nice to have"

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    importance = models.CharField(max_length=4, choices=Importance.choices, default=Importance.NICE)

    class Meta:
        ordering = ("importance", "skill__name")
        constraints = [
            models.UniqueConstraint(fields=["persona", "skill"], name="persona_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_importance_display()})"
