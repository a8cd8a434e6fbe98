"""What makes a first message to a mentor work, as hints: text in, hints out.

Good outreach has five parts: a clear subject; a personal opening that shows
the mentee knows the mentor's work; who the mentee is and why this mentor; a
specific, small, time-boxed ask (a 15–20 minute conversation) rather than
"will you be my mentor?"; flexibility and thanks. `review_outreach` reads a
draft and says what is missing. Hints advise; only the two blocking ones (no
subject, no message) stop a request, and the service is what enforces them.

Plain Python: no ORM, no settings, no clock, so the rules are table-tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_LIMIT = 200

# Words that say nothing about a particular mentor: English stop words, and the
# words almost every request uses ("mentor", "career", "work").
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can cannot could couldn't did didn't do
    does doesn't doing don't down during each few for from further had hadn't has hasn't
    have haven't having he her here hers herself him himself his how i i'd i'll i'm i've
    if in into is isn't it it's its itself just let's me more most much my myself no nor
    not now of off on once only or other ought our ours ourselves out over own same she
    should so some such than that that's the their theirs them themselves then there
    these they this those through to too under until up very was wasn't we we're were
    what when where which while who whom why will with won't would you you'd you'll
    you're you've your yours yourself yourselves hi hello dear hey thanks thank thankful
    grateful please really great very lot lots love like get got new one two way
    mentor mentors mentoring mentee mentees mentorship work works working worked job
    career careers experience experienced help helping helped time year years month
    months today day week people person team teams company companies
    """.split()  # noqa: SIM905  (a word list reads better as words)
)

# "be my mentor" and its variants: the open-ended ask mentors find hard to answer.
MENTOR_ME = re.compile(
    r"\b(?:be|become|becoming|being)\s+(?:my|a|an|the)\s+mentor\b"
    r"|\bmentor(?:ing)?\s+me\b"
    r"|\btake\s+me\s+on\s+as\s+(?:a|an|your)\s+mentee\b"
    r"|\b(?:be|become|becoming|being)\s+my\s+mentors\b",
    re.IGNORECASE,
)

_NUMBER = r"(?:\d{1,3}|an?|one|ten|fifteen|twenty|twenty-five|thirty|forty-five|sixty)"
# "15 minutes", "a 20-minute call", "15–20 minutes", "half an hour", "one hour".
TIME_BOX = re.compile(
    rf"\b{_NUMBER}(?:\s*(?:-|–|—|to|or)\s*{_NUMBER})?\s*[- ]?\s*(?:min(?:ute)?s?|hours?|hrs?)\b"
    r"|\bhalf[- ](?:an[- ])?hour\b",
    re.IGNORECASE,
)
LINK = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*\?")
_WORD = re.compile(r"\w[\w+#]*")
_RIGHT_QUOTE = "\u2019"  # the typographic apostrophe, read as a plain one


@dataclass(frozen=True)
class OutreachParts:
    """A draft as the mentee wrote it."""

    subject: str = ""
    opening: str = ""  # the personal opening: something of the mentor's
    introduction: str = ""  # who the mentee is and why this mentor
    closing: str = ""  # flexibility and thanks
    open_ended_ask: bool = False  # the ask chosen is open-ended ("regular mentoring")
    goal_chosen: bool = False
    has_goals: bool = True  # the mentee has goals to choose from

    @property
    def message(self) -> str:
        return join_message(self.opening, self.introduction, self.closing)

    @property
    def words(self) -> int:
        return len(_WORD.findall(f"{self.subject} {self.message}"))


@dataclass(frozen=True)
class MentorFacts:
    """What a mentee can know of a mentor's work from their profile."""

    headline: str = ""
    role: str = ""
    organisation: str = ""
    skills: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.headline or self.role or self.organisation or self.skills)


@dataclass(frozen=True)
class Hint:
    code: str
    title: str
    text: str
    part: str  # the form field the hint is about
    blocking: bool = False  # the request cannot be sent like this


def join_message(*paragraphs: str) -> str:
    """The parts as the mentor reads them: trimmed, empty ones left out, a blank line between."""
    return "\n\n".join(part.strip() for part in paragraphs if part.strip())


def _normal(word: str) -> str:
    """Lower case, without a possessive or a plain plural ("payments" reads as "payment")."""
    word = word.lower()
    if word.endswith(("'s", _RIGHT_QUOTE + "s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return _WORD.findall(text.replace(_RIGHT_QUOTE, "'"))


def _meaningful(text: str) -> set[str]:
    """The words of `text` that could only be about this mentor (3+ letters, not stop words)."""
    return {
        _normal(word)
        for word in _words(text)
        if len(word) >= 3 and word.lower() not in STOP_WORDS and _normal(word) not in STOP_WORDS
    }


def _acronyms(text: str) -> set[str]:
    """Short names written in capitals ("AI", "UX"), compared as written: "it" is not "IT"."""
    return {word for word in _words(text) if len(word) < 3 and word.isupper()}


def _phrase_in(phrase: str, words: list[str]) -> bool:
    target = [_normal(word) for word in _words(phrase)]
    if not target:
        return False
    normal = [_normal(word) for word in words]
    size = len(target)
    return any(normal[i : i + size] == target for i in range(len(normal) - size + 1))


def is_personal(opening: str, facts: MentorFacts) -> bool:
    """Whether the opening mentions something of the mentor's: a word of their headline,
    role or organisation, one of their skills, or a link to their work."""
    if LINK.search(opening):
        return True
    words = _words(opening)
    own = {_normal(word) for word in words}
    if _meaningful(f"{facts.headline} {facts.role} {facts.organisation}") & own:
        return True
    if _acronyms(f"{facts.headline} {facts.role} {facts.organisation}") & set(words):
        return True
    for skill in facts.skills:
        # Whole skill names: "learning" alone is not "Machine learning"; short
        # names ("Go", "R") only as written.
        if len(skill) < 3:
            if skill in words:
                return True
        elif _phrase_in(skill, words):
            return True
    return False


def asks_mentor_me(text: str) -> bool:
    return bool(MENTOR_ME.search(text))


def has_specific_ask(text: str) -> bool:
    """A time-boxed ask ("15 minutes", "a 20-minute call") or a concrete question."""
    if TIME_BOX.search(text):
        return True
    for question in _SENTENCE.findall(text):
        if not asks_mentor_me(question) and len(_words(question)) >= 5:
            return True
    return False


def review_outreach(parts: OutreachParts, facts: MentorFacts) -> list[Hint]:
    """The hints for a draft, blocking ones first; an empty list means it looks good."""
    hints: list[Hint] = []
    everything = f"{parts.subject}\n{parts.message}"
    if not parts.subject.strip():
        hints.append(
            Hint(
                "subject_missing",
                "Add a subject",
                "A clear subject tells the mentor what this is about before they open it.",
                "subject",
                blocking=True,
            )
        )
    if not parts.message:
        hints.append(
            Hint(
                "message_missing",
                "Write a short message",
                "A few sentences: something of theirs, who you are, and a small ask.",
                "opening",
                blocking=True,
            )
        )
    if asks_mentor_me(everything):
        hints.append(
            Hint(
                "mentor_me",
                "Skip “will you be my mentor?”",
                "It is a big, vague commitment to say yes to. Ask for one short conversation "
                "instead; a mentorship can grow from there.",
                "introduction",
            )
        )
    if parts.open_ended_ask and not has_specific_ask(everything):
        hints.append(
            Hint(
                "no_specific_ask",
                "Make the ask small and specific",
                "Mentors say yes to a time-boxed ask: a 15–20 minute conversation, or one "
                "concrete question. Choose it under “What you are asking for”, or write it in.",
                "ask",
            )
        )
    if parts.opening.strip() and not facts.empty and not is_personal(parts.opening, facts):
        hints.append(
            Hint(
                "not_personal",
                "Open with something of theirs",
                "Mention their work: a project, their role, a skill or a talk of theirs. It "
                "shows you chose them and did not send the same note to everyone.",
                "opening",
            )
        )
    elif not parts.opening.strip() and parts.message:
        hints.append(
            Hint(
                "not_personal",
                "Open with something of theirs",
                "Start with a sentence about their work, so they see why you wrote to them.",
                "opening",
            )
        )
    if not parts.goal_chosen:
        hints.append(
            Hint(
                "no_goal",
                "Say which goal this is about" if parts.has_goals else "Add a goal first",
                (
                    "Choose one of your goals, so the mentor sees what you want to achieve."
                    if parts.has_goals
                    else "A specific goal helps a mentor say yes. Add one to your profile, "
                    "then choose it here."
                ),
                "goal",
            )
        )
    if parts.words > WORD_LIMIT:
        hints.append(
            Hint(
                "too_long",
                "Make it shorter",
                f"At {parts.words} words it is long for a first message; mentors read many. "
                f"Aim for under {WORD_LIMIT} and keep the rest for the conversation.",
                "introduction",
            )
        )
    return hints
