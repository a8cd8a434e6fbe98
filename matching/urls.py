from django.urls import path

from matching import views

app_name = "matching"

# Included at the site root: browse and mentors, the mentee's requests, the
# mentor's inbox, and mentorships.
urlpatterns = [
    path("mentors/", views.browse, name="browse"),
    path("mentors/<int:mentor_id>/", views.mentor, name="mentor"),
]
