from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from mentorship import views
from mentorship.api import ObtainTokenView
from mentorship.notifications.api import NotificationViewSet
from profiles.api import MeView

# Admin log-in goes through allauth (its rate limits, its log-in page).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mentorship administration"
admin.site.site_title = "Mentorship admin"

router = DefaultRouter()
router.register("notifications", NotificationViewSet, basename="notification")

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", include("mentorship.notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
]
