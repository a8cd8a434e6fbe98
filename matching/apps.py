from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from mentorship.roles import on_post_migrate

        # No sender: each app's post_migrate runs after auth has made that app's
        # permissions, so the last one leaves the group complete.
        post_migrate.connect(on_post_migrate, dispatch_uid="mentorship.roles.program_admin")
