from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse

from mentorship.admin_actions import run_each
from profiles.models import (
    AvailabilityWindow,
    DataClock,
    Expertise,
    Goal,
    Industry,
    Language,
    Milestone,
    Persona,
    PersonaSkill,
    Profile,
    ProfileLanguage,
    Skill,
    SkillCategory,
    User,
)
from profiles.services import (
    mark_profiles_changed,
    mark_taxonomy_changed,
    resume_mentoring,
    set_goal_status,
    set_milestone_done,
    update_profile,
)


class StampsMatchingData:
    """Admin edits of what matching reads (goals, personas) reach every process's index.

    Both owners are stamped when an admin moves a row to someone else.
    """

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj._previous_owner_id = (
            type(obj).objects.filter(pk=obj.pk).values_list("owner_id", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        owners = {form.instance.owner_id, getattr(form.instance, "_previous_owner_id", None)}
        mark_profiles_changed(user_ids=[pk for pk in owners if pk is not None])

    def delete_model(self, request: Any, obj: Any) -> None:
        owner_id = obj.owner_id
        super().delete_model(request, obj)  # type: ignore[misc]
        mark_profiles_changed(user_ids=[owner_id])

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        owners = list(queryset.values_list("owner_id", flat=True))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        mark_profiles_changed(user_ids=owners)


class StampsProfile:
    """Languages, expertise and windows edited on their own reach the mentor index too."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        mark_profiles_changed(profile_ids=[obj.profile_id])

    def delete_model(self, request: Any, obj: Any) -> None:
        profile_id = obj.profile_id
        super().delete_model(request, obj)  # type: ignore[misc]
        mark_profiles_changed(profile_ids=[profile_id])

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        profiles = list(queryset.values_list("profile_id", flat=True))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        mark_profiles_changed(profile_ids=profiles)


class StampsTaxonomy:
    """Skills, languages and industries edited in admin rebuild every index's vocabulary."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        mark_taxonomy_changed()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        mark_taxonomy_changed()

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        mark_taxonomy_changed()


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Only a superuser sets these: who may log in to the admin and with which rights, and
# the email a password reset goes to (a new address there would take the account over).
RIGHTS = ("email", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People. Staff who are not superusers (program admins) may at most edit a name or
    deactivate an account: passwords, rights and superusers' accounts are not theirs."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = (
        "email", "name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login",
    )  # fmt: skip
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "last_login", "deleted_at")
    date_hierarchy = "date_joined"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # No password row: its link leads to the password form, which answers 403.
        return tuple(
            (title, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for title, options in fieldsets
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        # Read-only fields are left out of the form, so a posted value is ignored.
        return (*readonly, *RIGHTS)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and not request.user.is_superuser:
            # UserChangeForm declares the password field itself; it must not even show.
            form.base_fields.pop("password", None)
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new account comes with a password: superusers only (programmes import people).
        return bool(request.user.is_superuser)

    def _beyond_reach(self, request: HttpRequest, obj: Any) -> bool:
        """A superuser's account, or another staff member's, for someone not a superuser."""
        if obj is None or request.user.is_superuser:
            return False
        return bool(obj.is_superuser or (obj.is_staff and obj.pk != request.user.pk))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._beyond_reach(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._beyond_reach(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "deleted_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # A deactivated mentor leaves everyone's list at the next browse.
            mark_profiles_changed(user_ids=[obj.pk])

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        mark_profiles_changed()

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        mark_profiles_changed()


@admin.register(Language)
class LanguageAdmin(StampsTaxonomy, admin.ModelAdmin[Language]):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Industry)
class IndustryAdmin(StampsTaxonomy, admin.ModelAdmin[Industry]):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin[SkillCategory]):
    list_display = ("name", "skill_count")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SkillCategory]:
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(description="Skills", ordering="skill_count")
    def skill_count(self, category: Any) -> int:
        return int(category.skill_count)


@admin.register(Skill)
class SkillAdmin(StampsTaxonomy, admin.ModelAdmin[Skill]):
    list_display = ("name", "category")
    list_filter = ("category",)
    search_fields = ("name", "category__name")
    list_select_related = ("category",)


class ProfileLanguageInline(admin.TabularInline[ProfileLanguage, Profile]):
    model = ProfileLanguage
    extra = 0
    autocomplete_fields = ("language",)


class ExpertiseInline(admin.TabularInline[Expertise, Profile]):
    model = Expertise
    extra = 0
    autocomplete_fields = ("skill",)


class AvailabilityInline(admin.TabularInline[AvailabilityWindow, Profile]):
    model = AvailabilityWindow
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = (
        "user",
        "headline",
        "is_mentee",
        "is_mentor",
        "capacity",
        "accepting_mentees",
        "time_zone",
        "seniority",
        "onboarding_completed_at",
    )
    list_filter = ("is_mentee", "is_mentor", "accepting_mentees", "seniority", "industry")
    search_fields = ("user__email", "user__name", "headline", "organisation", "current_role")
    list_select_related = ("user", "industry")
    raw_id_fields = ("user",)
    autocomplete_fields = ("industry", "mentor_industries")
    inlines = (ProfileLanguageInline, ExpertiseInline, AvailabilityInline)
    date_hierarchy = "onboarding_completed_at"
    readonly_fields = ("updated_at",)
    actions = ("pause_mentoring", "resume_mentoring")

    @admin.action(permissions=["change"], description="Pause mentoring (no new requests)")
    def pause_mentoring(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        def pause(profile: Profile) -> bool:
            if not profile.is_mentor or not profile.accepting_mentees:
                return False
            # The same change as switching off "I am accepting new mentees".
            update_profile(profile=profile, fields={"accepting_mentees": False})
            return True

        run_each(self, request, queryset, pause, done="{count} mentor(s) paused: no new requests.")

    @admin.action(permissions=["change"], description="Resume mentoring (take requests again)")
    def resume_mentoring(self, request: HttpRequest, queryset: QuerySet[Profile]) -> None:
        def resume(profile: Profile) -> bool:
            if not profile.is_mentor or (profile.accepting_mentees and not profile.paused_until):
                return False
            resume_mentoring(user=profile.user)
            return True

        run_each(self, request, queryset, resume, done="{count} mentor(s) take requests again.")

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Admin edits reach every process's mentor index like edits on the site.
        mark_profiles_changed(profile_ids=[form.instance.pk])

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        mark_profiles_changed()

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        mark_profiles_changed()


class MilestoneInline(admin.TabularInline[Milestone, Goal]):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(StampsMatchingData, admin.ModelAdmin[Goal]):
    list_display = (
        "title", "owner", "status", "priority", "milestones", "target_date", "created_at",
    )  # fmt: skip
    list_filter = ("status", "priority")
    search_fields = ("title", "owner__email", "owner__name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    autocomplete_fields = ("skills",)
    inlines = (MilestoneInline,)
    date_hierarchy = "created_at"
    readonly_fields = ("achieved_at",)
    actions = ("mark_achieved",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Goal]:
        return super().get_queryset(request).annotate(milestone_count=Count("milestones"))

    @admin.display(description="Milestones", ordering="milestone_count")
    def milestones(self, goal: Any) -> int:
        return int(goal.milestone_count)

    @admin.action(permissions=["change"], description="Mark achieved (tells their mentors)")
    def mark_achieved(self, request: HttpRequest, queryset: QuerySet[Goal]) -> None:
        def achieve(goal: Goal) -> bool:
            return set_goal_status(goal=goal, status=Goal.Status.ACHIEVED)

        run_each(self, request, queryset, achieve, done="{count} goal(s) marked achieved.")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ("title", "goal", "owner", "due_date", "done_at", "created_at")
    list_filter = (("done_at", admin.EmptyFieldListFilter), "goal__status")
    search_fields = ("title", "goal__title", "goal__owner__email", "goal__owner__name")
    list_select_related = ("goal__owner",)
    raw_id_fields = ("goal",)
    date_hierarchy = "created_at"
    readonly_fields = ("done_at",)
    actions = ("mark_done",)

    @admin.display(description="Owner", ordering="goal__owner__name")
    def owner(self, milestone: Milestone) -> str:
        return milestone.goal.owner.display_name

    @admin.action(permissions=["change"], description="Mark done (celebrated with their mentors)")
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        def done(milestone: Milestone) -> bool:
            return set_milestone_done(milestone=milestone, done=True)

        run_each(self, request, queryset, done, done="{count} milestone(s) marked done.")


class PersonaSkillInline(admin.TabularInline[PersonaSkill, Persona]):
    model = PersonaSkill
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(Persona)
class PersonaAdmin(StampsMatchingData, admin.ModelAdmin[Persona]):
    list_display = ("owner", "seniority", "min_years_experience", "min_shared_hours", "frequency")
    list_filter = ("seniority", "frequency")
    search_fields = ("owner__email", "owner__name", "ideal_mentor")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    autocomplete_fields = ("industries", "languages")
    inlines = (PersonaSkillInline,)
    readonly_fields = ("updated_at",)


@admin.register(PersonaSkill)
class PersonaSkillAdmin(admin.ModelAdmin[PersonaSkill]):
    """Which skills mentees look for, and how much: search by skill across personas."""

    list_display = ("skill", "importance", "persona")
    list_filter = ("importance", "skill__category")
    search_fields = ("skill__name", "persona__owner__email", "persona__owner__name")
    list_select_related = ("skill", "persona__owner")
    raw_id_fields = ("persona",)
    autocomplete_fields = ("skill",)

    def save_model(self, request: Any, obj: PersonaSkill, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        mark_profiles_changed(user_ids=[obj.persona.owner_id])

    def delete_model(self, request: Any, obj: PersonaSkill) -> None:
        owner_id = obj.persona.owner_id
        super().delete_model(request, obj)
        mark_profiles_changed(user_ids=[owner_id])

    def delete_queryset(self, request: Any, queryset: QuerySet[PersonaSkill]) -> None:
        owners = list(queryset.values_list("persona__owner_id", flat=True))
        super().delete_queryset(request, queryset)
        mark_profiles_changed(user_ids=owners)


@admin.register(ProfileLanguage)
class ProfileLanguageAdmin(StampsProfile, admin.ModelAdmin[ProfileLanguage]):
    """Who speaks what: find everyone with a language at a level."""

    list_display = ("language", "proficiency", "profile")
    list_filter = ("proficiency", "language")
    search_fields = ("language__name", "profile__user__email", "profile__user__name")
    list_select_related = ("language", "profile__user")
    raw_id_fields = ("profile",)
    autocomplete_fields = ("language",)


@admin.register(Expertise)
class ExpertiseAdmin(StampsProfile, admin.ModelAdmin[Expertise]):
    """Who can help with what: find the mentors of a skill, strongest first."""

    list_display = ("skill", "level", "profile")
    list_filter = ("level", "skill__category")
    search_fields = ("skill__name", "profile__user__email", "profile__user__name")
    list_select_related = ("skill", "profile__user")
    raw_id_fields = ("profile",)
    autocomplete_fields = ("skill",)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(StampsProfile, admin.ModelAdmin[AvailabilityWindow]):
    list_display = ("profile", "day", "hours", "time_zone")
    list_filter = ("weekday",)
    search_fields = ("profile__user__email", "profile__user__name", "profile__time_zone")
    list_select_related = ("profile__user",)
    raw_id_fields = ("profile",)

    @admin.display(description="Day", ordering="weekday")
    def day(self, window: AvailabilityWindow) -> str:
        return WEEKDAYS[window.weekday] if window.weekday < len(WEEKDAYS) else str(window.weekday)

    @admin.display(description="Hours (their own clock)")
    def hours(self, window: AvailabilityWindow) -> str:
        return f"{_clock(window.start_minute)}–{_clock(window.end_minute)}"

    @admin.display(description="Time zone", ordering="profile__time_zone")
    def time_zone(self, window: AvailabilityWindow) -> str:
        return window.profile.time_zone


@admin.register(DataClock)
class DataClockAdmin(admin.ModelAdmin[DataClock]):
    """The counter every mentor index follows: read here, moved only by the services."""

    list_display = ("__str__", "version", "taxonomy_version")
    readonly_fields = ("version", "taxonomy_version")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
