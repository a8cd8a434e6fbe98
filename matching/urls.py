from django.urls import path

from matching import views, views_inbox, views_programs

app_name = "matching"

# Included at the site root: browse and mentors, the mentee's requests, the
# mentor's inbox, and mentorships.
urlpatterns = [
    path("mentors/", views.browse, name="browse"),
    path("mentors/<int:mentor_id>/", views.mentor, name="mentor"),
    # The mentor's inbox: one request, and what the mentor can do with it.
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", views_inbox.inbox_request, name="inbox_request"),
    path("inbox/<int:pk>/accept/", views_inbox.inbox_accept, name="inbox_accept"),
    path("inbox/<int:pk>/decline/", views_inbox.inbox_decline, name="inbox_decline"),
    path("inbox/<int:pk>/ask/", views_inbox.inbox_ask, name="inbox_ask"),
    # Mentorships, both sides, and the agreement.
    path("mentorships/", views_inbox.mentorships, name="mentorships"),
    path("mentorships/<int:pk>/", views_inbox.mentorship, name="mentorship"),
    path(
        "mentorships/<int:pk>/agreement/",
        views_inbox.mentorship_agreement,
        name="mentorship_agreement",
    ),
    path("mentors/<int:mentor_id>/request/", views.compose, name="compose"),
    path("mentors/<int:mentor_id>/request/hints/", views.compose_hints, name="compose_hints"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request_answer"),
    # Programmes: joining with the invite link, the person's programmes, one of them.
    path("programs/", views_programs.programs, name="programs"),
    path("programs/join/<str:code>/", views_programs.program_join, name="program_join"),
    path("programs/<slug:slug>/", views_programs.program, name="program"),
]
