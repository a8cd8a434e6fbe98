from django.urls import URLPattern, path

from sessions_app.views import checkins, closing, sessions

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
    path("mentorships/<int:pk>/sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/confirm/", sessions.session_confirm, name="session_confirm"),
    path("sessions/<int:pk>/reschedule/", sessions.session_reschedule, name="session_reschedule"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/complete/", sessions.session_complete, name="session_complete"),
    path("sessions/<int:pk>/no-show/", sessions.session_no_show, name="session_no_show"),
    path("sessions/<int:pk>/notes/", sessions.session_notes, name="session_notes"),
    path(
        "sessions/<int:pk>/private-note/",
        sessions.session_private_note,
        name="session_private_note",
    ),
    path("sessions/<int:pk>/invite.ics", sessions.session_ics, name="session_ics"),
    path("mentorships/<int:pk>/checkins/", checkins.checkins, name="checkins"),
    path("mentorships/<int:pk>/checkins/new/", checkins.checkin_new, name="checkin_new"),
    path("checkins/<int:pk>/", checkins.checkin, name="checkin"),
    path(
        "checkins/<int:pk>/acknowledge/",
        checkins.checkin_acknowledge,
        name="checkin_acknowledge",
    ),
]
