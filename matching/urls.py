from django.urls import path

from matching import views

app_name = "matching"

# Included at the site root: browse and mentors, the mentee's requests, the
# mentor's inbox, and mentorships.
urlpatterns = [
    path("mentors/", views.browse, name="browse"),
    path("mentors/<int:mentor_id>/", views.mentor, name="mentor"),
    path("mentors/<int:mentor_id>/request/", views.compose, name="compose"),
    path("mentors/<int:mentor_id>/request/hints/", views.compose_hints, name="compose_hints"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request_answer"),
]
