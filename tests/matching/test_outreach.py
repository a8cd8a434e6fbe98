"""The outreach hints as a table: drafts in, hint codes out (no database)."""

from __future__ import annotations

import pytest

from matching.outreach import (
    WORD_LIMIT,
    MentorFacts,
    OutreachParts,
    asks_mentor_me,
    has_specific_ask,
    is_personal,
    join_message,
    review_outreach,
)

BEN = MentorFacts(
    headline="Staff engineer, payments",
    role="Engineering manager",
    organisation="Acme Bank",
    skills=("Python", "Machine learning", "Go", "UX"),
)

GOOD = OutreachParts(
    subject="Your payments talk and a 20-minute question",
    opening="Hi Ben, your talk on payments at PyCon changed how I test money code.",
    introduction="I'm Ana, a support engineer moving into backend work. Could we talk "
    "for 20 minutes about your move into engineering management?",
    closing="Any week that suits you works for me. Thank you for reading.",
    goal_chosen=True,
)


def codes(parts: OutreachParts, facts: MentorFacts = BEN) -> list[str]:
    return [hint.code for hint in review_outreach(parts, facts)]


def test_a_good_draft_has_no_hints() -> None:
    assert codes(GOOD) == []


def _with(**changes: object) -> OutreachParts:
    values = {**GOOD.__dict__, **changes}
    return OutreachParts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (_with(subject="  "), ["subject_missing"]),
        (_with(opening="", introduction="", closing=""), ["message_missing"]),
        (_with(subject="", opening="", introduction="", closing=""),
         ["subject_missing", "message_missing"]),
        (_with(introduction="Will you be my mentor?"), ["mentor_me"]),
        (_with(subject="Would you mentor me"), ["mentor_me"]),
        (_with(introduction="I'd love for you to become my mentor for 20 minutes."),
         ["mentor_me"]),
        # Open-ended ask chosen and nothing time-boxed or concrete in the words.
        (_with(open_ended_ask=True, subject="Hello",
               introduction="I'm Ana, a support engineer moving into backend work."),
         ["no_specific_ask"]),
        # Open-ended ask chosen, but the words ask for 20 minutes: fine.
        (_with(open_ended_ask=True), []),
        (_with(open_ended_ask=True, subject="Hello", introduction="Will you be my mentor?"),
         ["mentor_me", "no_specific_ask"]),
        (_with(opening="Hi Ben, I found you on the platform and hope you are well."),
         ["not_personal"]),
        (_with(opening=""), ["not_personal"]),
        (_with(goal_chosen=False), ["no_goal"]),
        (_with(goal_chosen=False, has_goals=False), ["no_goal"]),
        (_with(closing="Thanks! " * (WORD_LIMIT + 1)), ["too_long"]),
    ],
)  # fmt: skip
def test_each_missing_part_gives_its_hint(draft: OutreachParts, expected: list[str]) -> None:
    assert codes(draft) == expected


def test_only_an_empty_subject_or_message_blocks() -> None:
    bad = _with(subject="", open_ended_ask=True, introduction="Be my mentor?", goal_chosen=False)
    blocking = {hint.code for hint in review_outreach(bad, BEN) if hint.blocking}
    assert blocking == {"subject_missing"}


def test_the_word_count_is_in_the_too_long_hint() -> None:
    draft = _with(closing="word " * 250)
    (hint,) = review_outreach(draft, BEN)
    assert hint.code == "too_long"
    assert f"{draft.words} words" in hint.text
    assert draft.words > 250


def test_no_goals_to_choose_from_says_to_add_one() -> None:
    (hint,) = review_outreach(_with(goal_chosen=False, has_goals=False), BEN)
    assert hint.title == "Add a goal first"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Will you be my mentor?", True),
        ("would you BE MY MENTOR", True),
        ("Could you mentor me this year?", True),
        ("I hope you would consider mentoring me.", True),
        ("Would you become my mentor?", True),
        ("Would you be a mentor to me?", True),
        ("Could you take me on as a mentee?", True),
        ("I'd like 15 minutes of your time.", False),
        ("Our mentor meeting last week was great.", False),
        ("My mentor at school said to write to you.", False),
    ],
)
def test_will_you_be_my_mentor_and_its_variants(text: str, expected: bool) -> None:
    assert asks_mentor_me(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could we talk for 15 minutes?", True),
        ("A 20-minute call, whenever suits you.", True),
        ("Would 15–20 minutes next week work?", True),
        ("Maybe half an hour some time.", True),
        ("Do you have an hour this month", True),
        ("How did you move from support into a product role?", True),
        ("Will you be my mentor?", False),
        ("I would love to learn from you.", False),
        ("Help?", False),
        ("I have 3 years of experience in support.", False),
    ],
)
def test_a_specific_ask_is_time_boxed_or_a_concrete_question(text: str, expected: bool) -> None:
    assert has_specific_ask(text) is expected


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("Your PAYMENTS work is why I'm writing.", True),  # headline word, any case, plural
        ("I read about your payment systems.", True),  # singular of the headline's word
        ("I saw Acme's engineering blog.", True),  # organisation (and role)
        ("I use Python every day.", True),  # skill
        ("Your machine learning course helped me.", True),  # a whole multi-word skill
        ("I have been learning a lot lately.", False),  # half a skill is not the skill
        ("Your UX notes were great.", True),  # a short skill, as written
        ("I want to go further in my job.", False),  # "go" is not "Go"
        ("I loved https://example.org/ben/talk", True),  # a link to their work
        ("Hi Ben, I hope you are well and have a great week.", False),  # nothing of theirs
        ("I am looking for a mentor with experience.", False),  # only stop and common words
    ],
)
def test_personal_means_something_of_the_mentors(opening: str, expected: bool) -> None:
    assert is_personal(opening, BEN) is expected


def test_a_mentor_with_nothing_on_their_profile_gets_no_personal_hint() -> None:
    draft = _with(opening="Hi, I hope you are well.")
    assert "not_personal" not in codes(draft, MentorFacts())


def test_the_parts_are_joined_as_paragraphs() -> None:
    assert join_message("  Hi Ben,\nline two  ", "", "\n", " Thanks. ") == (
        "Hi Ben,\nline two\n\nThanks."
    )
    assert join_message("", " ") == ""
    assert GOOD.message.count("\n\n") == 2
