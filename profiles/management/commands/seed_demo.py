"""Create realistic, reproducible demo accounts (local demo data only)."""

from __future__ import annotations

import random
from argparse import ArgumentParser
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from profiles.models import User

DEMO_PASSWORD = "mentorship-demo"  # noqa: S105  (published demo password, local data only)

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chiara",
    "Dev",
    "Emeka",
    "Fatima",
    "Goran",
    "Hana",
    "Ines",
    "Jonas",
    "Kemal",
    "Lucía",
    "Mei",
    "Nikhil",
    "Olga",
    "Pedro",
    "Qin",
    "Rania",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
    "Wanjiru",
    "Xavier",
    "Yuki",
    "Zeynep",
    "Amara",
    "Bruno",
    "Carmen",
    "Dmitri",
)
LAST_NAMES = (
    "Silva",
    "Okafor",
    "Rossi",
    "Patel",
    "Nakamura",
    "Haddad",
    "Novak",
    "Kowalski",
    "García",
    "Müller",
    "Chen",
    "Nguyen",
    "Johansson",
    "Mensah",
    "Dubois",
    "Kaya",
    "Murphy",
    "Santos",
    "Ivanova",
    "Kim",
    "Fischer",
    "Ali",
    "Costa",
    "Eriksson",
    "Tanaka",
    "Moreau",
    "Osei",
    "Lee",
)

NAMED_ACCOUNTS = (
    ("admin@example.com", "Ada Admin", True),
    ("mentee@example.com", "Maya Mentee", False),
    ("mentor@example.com", "Marco Mentor", False),
)


class Command(BaseCommand):
    help = (
        "Create demo accounts: admin@, mentee@ and mentor@example.com, plus generated "
        f"mentorN@ and menteeN@example.com, all with the password {DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--mentors", type=int, default=20, help="generated mentors")
        parser.add_argument("--mentees", type=int, default=40, help="generated mentees")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same people)"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even with DEBUG off (a public demo site; never real people's data)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has accounts (used by `make run`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts (a superuser with a published password) "
                "are not created. Pass --allow-production for a public demo site."
            )
        if options["mentors"] < 0 or options["mentees"] < 0:
            raise CommandError("--mentors and --mentees must be 0 or more.")
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Accounts exist already; demo data not loaded again.")
        else:
            created = self._seed(options["mentors"], options["mentees"], options["seed"])
            self.stdout.write(self.style.SUCCESS(f"Created {created} demo accounts."))
        self._print_accounts()

    @transaction.atomic
    def _seed(self, mentors: int, mentees: int, seed: int) -> int:
        rng = random.Random(seed)
        # Hashing is deliberately slow; every demo account shares one hash.
        password = make_password(DEMO_PASSWORD)
        wanted: list[tuple[str, str, bool]] = list(NAMED_ACCOUNTS)
        for role, count in (("mentor", mentors), ("mentee", mentees)):
            for number in range(1, count + 1):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                wanted.append((f"{role}{number}@example.com", name, False))

        existing = set(
            User.objects.filter(email__in=[email for email, _, _ in wanted]).values_list(
                "email", flat=True
            )
        )
        new_users = [
            User(email=email, name=name, password=password, is_staff=staff, is_superuser=staff)
            for email, name, staff in wanted
            if email not in existing
        ]
        User.objects.bulk_create(new_users)
        created = User.objects.filter(email__in=[user.email for user in new_users])
        # Verified addresses, so demo log-ins work even with mandatory verification.
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in created
            ],
            ignore_conflicts=True,
        )
        return len(new_users)

    def _print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD})")
        self.stdout.write("  admin@example.com   staff: /admin/ and everything else")
        self.stdout.write("  mentee@example.com  a mentee, well matched with mentor@")
        self.stdout.write("  mentor@example.com  a mentor")
        mentors = User.objects.filter(email__regex=r"^mentor[0-9]+@example\.com$").count()
        mentees = User.objects.filter(email__regex=r"^mentee[0-9]+@example\.com$").count()
        if mentors:
            self.stdout.write(f"  mentor1@example.com … mentor{mentors}@example.com")
        if mentees:
            self.stdout.write(f"  mentee1@example.com … mentee{mentees}@example.com")
