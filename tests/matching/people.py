"""Build mentors and mentees through the same services the pages use."""

from __future__ import annotations

from datetime import date
from typing import Any

from profiles import services
from profiles.availability import Window
from profiles.models import Industry, Language, Profile, Skill, User
from tests.factories import IndustryFactory, LanguageFactory, SkillFactory, UserFactory


def skill(name: str) -> Skill:
    found = Skill.objects.filter(name__iexact=name).first()
    return found or SkillFactory(name=name)


def language(code: str, name: str) -> Language:
    return LanguageFactory(code=code, name=name)


def industry(name: str) -> Industry:
    return IndustryFactory(name=name)


def person(
    email: str,
    *,
    name: str = "",
    mentor: bool = False,
    mentee: bool = False,
    zone: str = "Europe/Lisbon",
    languages: list[tuple[Language, int]] | None = None,
    expertise: list[tuple[Skill, int]] | None = None,
    windows: list[Window] | None = None,
    industries: list[Industry] | None = None,
    user: User | None = None,
    **fields: Any,
) -> User:
    """A person with a profile; mentors accept 2 mentees unless told otherwise."""
    user = user or UserFactory(email=email, name=name or email.split("@")[0].title())
    profile = services.ensure_profile(user=user)
    values: dict[str, Any] = {"is_mentor": mentor, "is_mentee": mentee, "time_zone": zone}
    values.update(fields)
    services.update_profile(
        profile=profile,
        fields=values,
        mentor_industries=industries,
        languages=languages if languages is not None else None,
    )
    if expertise is not None:
        services.replace_expertise(profile=profile, items=expertise)
    if windows is not None:
        services.replace_availability(profile=profile, windows=windows)
    return user


def persona(
    owner: User,
    *,
    must: tuple[Skill, ...] = (),
    nice: tuple[Skill, ...] = (),
    industries: list[Industry] | None = None,
    **fields: Any,
) -> None:
    services.save_persona(
        owner=owner,
        fields=fields,
        skills=[(s, "must") for s in must] + [(s, "nice") for s in nice],
        industries=industries,
    )


def tuesday_evening() -> list[Window]:
    return [Window(1, 18 * 60, 20 * 60)]


def profile_of(user: User) -> Profile:
    return Profile.objects.get(user=user)


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
