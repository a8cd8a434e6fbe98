"""The site's URLs plus `plain-mentors/`, the reference cost of a good Django list page."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("plain-mentors/", views.plain_mentors, name="bench-plain-mentors"),
    path("", include("mentorship.urls")),
]
