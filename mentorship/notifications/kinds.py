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
    # Requests (matching.services): to the mentor...
    "request_received": Kind(),
    "request_answer": Kind(),
    "request_reminder": Kind(),
    "request_cancelled": Kind(),  # the mentee was matched elsewhere first
    "request_withdrawn": Kind(),  # in the app only
    "mentoring_paused": Kind(),  # after several expired requests, with a way back
    # ...and to the mentee.
    "request_question": Kind(),
    "request_accepted": Kind(),
    "request_declined": Kind(),
    "request_expired": Kind(),
    # Mentorships: the agreement, to the other person.
    "agreement_proposed": Kind(),
    "agreement_confirmed": Kind(),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}; add it to KINDS.") from None
