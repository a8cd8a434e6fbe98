"""Field validators shared by model fields, forms and serializers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError

from profiles.availability import is_valid_time_zone


def validate_time_zone(value: str) -> None:
    if not is_valid_time_zone(value):
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Pick one such as Europe/Lisbon "
            "or America/Los_Angeles.",
            params={"value": value},
            code="invalid_time_zone",
        )


def _validate_choices_list(value: Any, allowed: set[str]) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Expected a list of choices.", code="invalid")
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise ValidationError(
            "Unknown choice(s): %(unknown)s. Choose from: %(allowed)s.",
            params={"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each choice only once.", code="duplicate")


# Named functions (not a factory) so migrations can refer to them.
def validate_traits(value: Any) -> None:
    from profiles.models import Trait

    _validate_choices_list(value, set(Trait.values))


def validate_formats(value: Any) -> None:
    from profiles.models import Format

    _validate_choices_list(value, set(Format.values))


def validate_mentoring_kinds(value: Any) -> None:
    from profiles.models import MentoringKind

    _validate_choices_list(value, set(MentoringKind.values))


def validate_contact_links(value: Any) -> None:
    if not isinstance(value, list) or len(value) > 5:
        raise ValidationError("Up to five links.", code="invalid")
    for link in value:
        parsed = urlparse(link) if isinstance(link, str) else None
        is_web = parsed is not None and parsed.scheme in {"http", "https"} and parsed.netloc
        is_mail = isinstance(link, str) and link.startswith("mailto:") and "@" in link
        if not (is_web or is_mail):
            raise ValidationError(
                "“%(link)s” is not a web address (https://…) or mailto: link.",
                params={"link": link},
                code="invalid_link",
            )
