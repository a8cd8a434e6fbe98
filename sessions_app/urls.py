from django.urls import URLPattern, path

from sessions_app.views import checkins

app_name = "sessions_app"

# Included at the site root: sessions, check-ins, pausing and closing a mentorship.
urlpatterns: list[URLPattern] = [
    path("mentorships/<int:pk>/checkins/", checkins.checkins, name="checkins"),
    path("mentorships/<int:pk>/checkins/new/", checkins.checkin_new, name="checkin_new"),
    path("checkins/<int:pk>/", checkins.checkin, name="checkin"),
    path(
        "checkins/<int:pk>/acknowledge/",
        checkins.checkin_acknowledge,
        name="checkin_acknowledge",
    ),
]
