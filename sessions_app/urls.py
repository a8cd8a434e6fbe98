from django.urls import URLPattern, path

from sessions_app.views import closing

app_name = "sessions_app"

# Included at the site root: sessions, check-ins, pausing and closing a mentorship.
urlpatterns: list[URLPattern] = [
    # Pausing and ending (sessions_app.views.closing).
    path("mentorships/<int:pk>/pause/", closing.mentorship_pause, name="mentorship_pause"),
    path("mentorships/<int:pk>/resume/", closing.mentorship_resume, name="mentorship_resume"),
    path("mentorships/<int:pk>/close/", closing.mentorship_close, name="mentorship_close"),
    path(
        "mentorships/<int:pk>/close/withdraw/",
        closing.mentorship_close_withdraw,
        name="mentorship_close_withdraw",
    ),
    path(
        "mentorships/<int:pk>/reflection/",
        closing.mentorship_reflection,
        name="mentorship_reflection",
    ),
    path("mentorships/<int:pk>/summary/", closing.mentorship_summary, name="mentorship_summary"),
]
