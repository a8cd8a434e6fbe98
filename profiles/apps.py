from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "People"

    def ready(self) -> None:
        from profiles import receivers  # noqa: F401  (connects allauth signals)
