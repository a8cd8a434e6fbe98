from django.urls import path

from profiles import views, views_privacy, views_unsubscribe

app_name = "profiles"

urlpatterns = [
    path("", views.profile_edit, name="edit"),
    path("people/<int:user_id>/", views.public_profile, name="public"),
    path("availability/", views.availability, name="availability"),
    path("persona/", views.persona, name="persona"),
    path("email/", views.email_settings, name="email_settings"),
    path("skills/", views.skill_search, name="skill_search"),
    path("goals/", views.goal_list, name="goals"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/status/", views.goal_status, name="goal_status"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:goal_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_toggle, name="milestone_toggle"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("data/", views_privacy.your_data, name="data"),
    path("data/export.json", views_privacy.export, name="data_export"),
    path("delete/", views_privacy.delete_account, name="delete_account"),
    path("unsubscribe/<str:token>/", views_unsubscribe.unsubscribe, name="unsubscribe"),
    path("welcome/roles/", views.onboarding_roles, name="onboarding_roles"),
    path("welcome/basics/", views.onboarding_basics, name="onboarding_basics"),
    path("welcome/goal/", views.onboarding_goal, name="onboarding_goal"),
    path("welcome/persona/", views.onboarding_persona, name="onboarding_persona"),
    path("welcome/expertise/", views.onboarding_expertise, name="onboarding_expertise"),
    path("welcome/capacity/", views.onboarding_capacity, name="onboarding_capacity"),
    path("welcome/availability/", views.onboarding_availability, name="onboarding_availability"),
    path("welcome/finish/", views.onboarding_finish, name="onboarding_finish"),
]
