from django.urls import URLPattern

app_name = "sessions_app"

# Included at the site root: sessions, check-ins, pausing and closing a mentorship.
urlpatterns: list[URLPattern] = []
