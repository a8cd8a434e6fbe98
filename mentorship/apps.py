from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship platform"

    def ready(self) -> None:
        # kombu's filesystem transport expects its folders to exist in every
        # process that publishes or consumes (web, worker, beat, commands).
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
