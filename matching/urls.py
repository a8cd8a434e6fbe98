from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:mentor_id>/", views.mentor, name="mentor"),
]
