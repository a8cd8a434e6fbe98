from allauth.account.decorators import secure_admin_login
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from matching.api import MentorDetailView, MentorListView, MentorshipViewSet, RequestViewSet
from matching.api_programs import ProgramViewSet
from mentorship import views
from mentorship.api import ObtainTokenView
from mentorship.notifications.api import NotificationViewSet
from profiles.api import (
    AvailabilityView,
    DataExportView,
    DeleteAccountView,
    GoalMilestonesView,
    GoalViewSet,
    IndustryViewSet,
    LanguageViewSet,
    MeView,
    MilestoneViewSet,
    PersonaView,
    SkillViewSet,
)
from sessions_app.api.checkins import CheckInViewSet
from sessions_app.api.sessions import SessionViewSet

# Admin log-in goes through allauth (its rate limits, its log-in page).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mentorship administration"
admin.site.site_title = "Mentorship admin"
# An unknown URL under /api/ (a malformed id) answers JSON like the API's own 404s.
handler404 = views.not_found

router = DefaultRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("goals", GoalViewSet, basename="goal")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("skills", SkillViewSet, basename="skill")
router.register("languages", LanguageViewSet, basename="language")
router.register("industries", IndustryViewSet, basename="industry")
router.register("requests", RequestViewSet, basename="request")
router.register("mentorships", MentorshipViewSet, basename="mentorship")
router.register("sessions", SessionViewSet, basename="session")
router.register("checkins", CheckInViewSet, basename="checkin")
router.register("programs", ProgramViewSet, basename="program")

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", DataExportView.as_view(), name="me-export"),
    path("me/delete/", DeleteAccountView.as_view(), name="me-delete"),
    path("goals/<int:goal_id>/milestones/", GoalMilestonesView.as_view(), name="goal-milestones"),
    path("persona/", PersonaView.as_view(), name="persona"),
    path("availability/", AvailabilityView.as_view(), name="availability"),
    path("mentors/", MentorListView.as_view(), name="mentor-list"),
    path("mentors/<int:mentor_id>/", MentorDetailView.as_view(), name="mentor-detail"),
    *router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", include("mentorship.notifications.urls")),
    path("profile/", include("profiles.urls")),
    path("", include("matching.urls")),
    path("", include("sessions_app.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Swagger UI's page carries its own <style>; its script is a separate file.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("healthz", views.healthz, name="healthz"),
]

# Staff reports (matching/views_reports.py): figures, CSV, and the nudge of a pair at risk.
from matching import views_reports  # noqa: E402

urlpatterns += [
    path("staff/reports/", views_reports.reports, name="reports"),
    path("staff/reports.csv", views_reports.reports_csv, name="reports_csv"),
    path(
        "staff/reports/nudge/<int:mentorship_id>/",
        views_reports.reports_nudge,
        name="reports_nudge",
    ),
]
