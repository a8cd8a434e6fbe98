"""Every kind of notification the platform sends, in one registry.

Each kind has its templates in `templates/emails/<kind>/` (subject.txt,
body.txt, body.html). `essential` kinds are sent whatever a person's email
preferences say (account and safety matters).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str
    essential: bool = False
    # False when the message arrives already rendered (allauth's account emails).
    templated: bool = True


KINDS: dict[str, Kind] = {
    # Rendered by django-allauth (verification, password reset, security notices).
    "account": Kind("Account and security email", essential=True, templated=False),
    "welcome": Kind("Welcome to the platform", essential=True),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}; add it to KINDS.") from None
