from typing import Any

from django.core.management.base import BaseCommand

from mentorship.roles import ensure_program_admin_group


class Command(BaseCommand):
    help = "Create the Program admin group or bring its permissions up to date (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        group = ensure_program_admin_group()
        count = group.permissions.count()
        self.stdout.write(self.style.SUCCESS(f"“{group.name}” group ready: {count} permissions."))
        self.stdout.write("A superuser adds staff to it on their page in /admin/: Permissions.")
