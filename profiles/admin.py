from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from profiles.models import (
    AvailabilityWindow,
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
from profiles.services import mark_profiles_changed, mark_taxonomy_changed


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
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
    list_display = ("name",)
    search_fields = ("name",)


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
    list_display = ("title", "owner", "status", "priority", "target_date", "created_at")
    list_filter = ("status", "priority")
    search_fields = ("title", "owner__email", "owner__name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    autocomplete_fields = ("skills",)
    inlines = (MilestoneInline,)


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
