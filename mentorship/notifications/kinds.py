"""Every kind of notification the platform sends, in one registry.

Each templated kind has its templates in `templates/emails/<kind>/`
(subject.txt, body.txt, body.html).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    # False when the message arrives already rendered (allauth's account emails).
    templated: bool = True


KINDS: dict[str, Kind] = {
    # Rendered by django-allauth (verification, password reset, security notices).
    "account": Kind(templated=False),
    # Greets a person who just joined.
    "welcome": Kind(),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}; add it to KINDS.") from None
