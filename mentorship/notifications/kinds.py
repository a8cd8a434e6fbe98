"""Every kind of notification the platform sends, in one registry.

Each templated kind has its templates in `templates/emails/<kind>/`
(subject.txt, body.txt, body.html).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    # False when the message arrives already rendered (allauth's account emails).
    templated: bool = True
    # Essential messages are emailed at once whatever the person's email
    # frequency: things that need an answer or a calendar soon. The rest can
    # wait for the daily digest, or stay in the app for "only essentials".
    essential: bool = False
    # Whether the email carries the one-click unsubscribe (RFC 8058 headers and a
    # footer link); None means "when it is not essential". Messages that need an
    # answer, a calendar or an account action never offer it.
    unsubscribe: bool | None = None

    @property
    def offers_unsubscribe(self) -> bool:
        if not self.templated:
            return False
        return not self.essential if self.unsubscribe is None else self.unsubscribe


KINDS: dict[str, Kind] = {
    # Rendered by django-allauth (verification, password reset, security notices).
    "account": Kind(templated=False, essential=True),
    # Greets a person who just joined.
    "welcome": Kind(),
    # Requests (matching.services): to the mentor...
    "request_received": Kind(essential=True),
    "request_answer": Kind(essential=True),
    "request_reminder": Kind(essential=True),
    "request_cancelled": Kind(),  # the mentee was matched elsewhere first
    "request_withdrawn": Kind(),  # in the app only
    "mentoring_paused": Kind(essential=True),  # after several expired requests, with a way back
    # ...and to the mentee.
    "request_question": Kind(essential=True),
    "request_accepted": Kind(essential=True),
    "request_declined": Kind(essential=True),
    "request_expired": Kind(),
    # Mentorships: the agreement, to the other person.
    "agreement_proposed": Kind(essential=True),
    "agreement_confirmed": Kind(),
    # Sessions (sessions_app.services.sessions), to the other person; the
    # confirmation and the reminder carry the .ics invite.
    "session_proposed": Kind(essential=True),
    "session_confirmed": Kind(essential=True),
    "session_cancelled": Kind(essential=True),
    "session_reminder": Kind(essential=True),  # to both, 24 hours ahead
    # Check-ins (sessions_app.services.checkins).
    "checkin_due": Kind(),  # to the mentee, on the cadence date
    "checkin_reminder": Kind(),  # to the mentee, twice if need be
    "checkin_submitted": Kind(),  # to the mentor
    "checkin_acknowledged": Kind(),  # to the mentee
    "milestone_completed": Kind(),  # to the mentor: a milestone or a goal reached
    "anniversary": Kind(),  # to both, at one and three months
    # Keeping pairs alive (sessions_app.services.reminders), to both.
    "no_first_session": Kind(),
    "pair_quiet": Kind(),
    "pair_at_risk": Kind(),  # to staff: a pair that stopped checking in
    "pair_nudged": Kind(),  # a coordinator's nudge from the reports page, to both
    # Bulk matching (matching.services_bulk): a published draft, once per person.
    "match_published_mentee": Kind(essential=True),
    "match_published_mentor": Kind(essential=True),
    # Pausing and ending (sessions_app.services.closing), to the other person.
    "mentorship_paused": Kind(),
    "mentorship_resumed": Kind(),
    "close_proposed": Kind(essential=True),
    "close_withdrawn": Kind(),  # in the app only: the mentorship simply carries on
    "mentorship_closed": Kind(essential=True),
    # The daily digest of held notifications (sessions_app.services.reminders). It
    # counts as essential so it is never held for itself, yet it is only a bundle of
    # non-essential updates: a person can stop it in one click.
    "digest": Kind(essential=True, unsubscribe=True),
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}; add it to KINDS.") from None
