"""The per-process mentor index: exact encoding, incremental refresh, other processes' changes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matching import index as mentor_index
from matching.engine.features import Offers
from matching.selectors import MentorFilters, rank_mentors
from profiles import services
from profiles.availability import Window, utc_slot_mask, week_start_for
from profiles.models import Profile
from tests.matching.people import industry, language, person, persona, profile_of, skill

ROOT = Path(__file__).resolve().parents[2]


def _index() -> mentor_index.MentorIndex:
    return mentor_index.current_index(now=timezone.now())


@pytest.mark.parametrize(
    ("zone", "windows", "moment"),
    [
        # Los Angeles falls back on Sunday 1 November 2026.
        ("America/Los_Angeles", [Window(6, 0, 180), Window(0, 17 * 60, 19 * 60)], "2026-10-29"),
        ("Asia/Tokyo", [Window(1, 9 * 60, 11 * 60), Window(6, 22 * 60, 1440)], "2026-11-03"),
        ("Asia/Kathmandu", [Window(2, 8 * 60 + 15, 9 * 60 + 45)], "2026-11-03"),
        # Europe springs forward on Sunday 29 March 2026: 01:00-03:30 is an hour shorter.
        ("Europe/Berlin", [Window(6, 60, 210)], "2026-03-26"),
    ],
)
def test_mentor_availability_is_the_exact_utc_slots(db, zone, windows, moment):
    english = language("en", "English")
    mentor = person(
        "m@example.org", mentor=True, zone=zone, languages=[(english, 4)], windows=windows
    )
    now = datetime.fromisoformat(moment).replace(hour=12, tzinfo=UTC)

    index = mentor_index.current_index(now=now)

    position = index.position(mentor.pk)
    assert position is not None
    expected = utc_slot_mask(windows, zone, week_start_for(now))
    np.testing.assert_array_equal(index.offers.slot_mask(position), expected)


def test_every_mentor_field_reaches_the_arrays_exactly(db):
    english, python, go = language("en", "English"), skill("Python"), skill("Go")
    fintech, health = industry("Fintech"), industry("Health")
    ann = person(
        "ann@example.org", mentor=True, zone="Asia/Kathmandu", languages=[(english, 3)],
        expertise=[(python, 5), (go, 1)], windows=[Window(6, 22 * 60, 1440)],
        industries=[fintech, health], industry=fintech, traits=["direct", "reflective"],
        formats=["chat"], mentoring_kinds=["peer", "career"], session_frequency="monthly",
        seniority=6, years_experience=62, capacity=20, accepting_mentees=False,
        paused_until=date(2027, 2, 28),
    )  # fmt: skip
    bob = person("bob@example.org", mentor=True, years_experience=None, seniority=None)
    # Rows the index must leave out: expertise of someone not mentoring, an inactive mentor.
    person("cy@example.org", mentee=True, expertise=[(go, 4)], languages=[(english, 4)])
    dee = person("dee@example.org", mentor=True, expertise=[(go, 2)], languages=[(english, 2)])
    dee.is_active = False
    dee.save(update_fields=["is_active"])

    index = _index()

    offers, vocab = index.offers, index.vocab
    assert sorted(offers.ids.tolist()) == sorted([ann.pk, bob.pk])
    a, b = index.position(ann.pk), index.position(bob.pk)
    assert a is not None
    assert b is not None

    def fields(offers: Offers, p: int) -> tuple[int, ...]:
        return tuple(
            int(getattr(offers, name)[p])
            for name in ("traits", "formats", "kinds", "frequency", "seniority", "years",
                         "capacity", "accepting", "paused_until")
        )  # fmt: skip

    ann_fields = (0b100001, 0b100, 0b10001, 2, 6, 50, 20, 0, date(2027, 2, 28).toordinal())
    assert fields(offers, a) == ann_fields
    assert fields(offers, b) == (0, 0, 0, 1, 0, -1, 2, 1, 0)  # fortnightly, 2 places by default
    python_col, go_col = vocab.skill_col(python.pk), vocab.skill_col(go.pk)
    assert python_col is not None
    assert go_col is not None
    assert offers.skills.lookup(python_col, [a, b]).tolist() == [5, 0]
    assert offers.skills.holders(go_col, len(offers)).nonzero()[0].tolist() == [a]
    english_col = vocab.language_col(english.pk)
    assert english_col is not None
    assert offers.languages.lookup(english_col, [a, b]).tolist() == [3, 0]
    assert offers.industries.pos.tolist() == [a, a]  # once each, owned and mentored
    expected = utc_slot_mask([Window(6, 22 * 60, 1440)], "Asia/Kathmandu", index.week_start)
    np.testing.assert_array_equal(offers.slot_mask(a), expected)
    # The refresh path reads the same person the same way.
    alone = mentor_index.load_offers(vocab, index.week_start, [profile_of(ann).pk])
    assert fields(alone, 0) == ann_fields
    np.testing.assert_array_equal(alone.slot_mask(0), expected)
    assert alone.skills.lookup(python_col, [0]).tolist() == [5]


def test_the_index_refreshes_only_the_people_who_changed(db, monkeypatch):
    english, python = language("en", "English"), skill("Python")
    people = [
        person(f"m{n}@example.org", mentor=True, languages=[(english, 4)], expertise=[(python, 3)])
        for n in range(5)
    ]
    first = _index()
    encoded: list[list[int] | None] = []
    real_load = mentor_index.load_offers

    def spy(vocab, week_start, profile_ids=None):  # type: ignore[no-untyped-def]
        encoded.append(None if profile_ids is None else sorted(profile_ids))
        return real_load(vocab, week_start, profile_ids)

    monkeypatch.setattr(mentor_index, "load_offers", spy)
    changed = Profile.objects.get(user=people[2])
    services.replace_expertise(profile=changed, items=[(python, 5)])

    second = _index()

    assert encoded == [[changed.pk]]
    assert second.version > first.version
    position = second.position(people[2].pk)
    col = second.vocab.skill_col(python.pk)
    assert col is not None
    assert position is not None
    assert second.offers.skills.lookup(col, [position])[0] == 5
    assert len(second.offers) == 5
    # Nothing changed since: the same index object, one query.
    assert _index() is second


def test_people_who_stop_mentoring_or_leave_drop_out(db):
    english = language("en", "English")
    ann, bob, cat = (
        person(f"{n}@example.org", mentor=True, languages=[(english, 4)])
        for n in ("ann", "bob", "cat")
    )
    assert len(_index().offers) == 3

    services.update_profile(profile=Profile.objects.get(user=ann), fields={"is_mentor": False})
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    services.mark_profiles_changed(user_ids=[bob.pk])
    # Deleted people leave no stamp; the count tells the index.
    cat.delete()
    services.mark_profiles_changed()

    assert len(_index().offers) == 0


def test_a_new_week_and_a_new_skill_rebuild_everything(db):
    english = language("en", "English")
    person("m@example.org", mentor=True, languages=[(english, 4)])
    monday = datetime(2026, 11, 2, 9, tzinfo=UTC)
    first = mentor_index.current_index(now=monday)

    next_week = mentor_index.current_index(now=datetime(2026, 11, 9, 9, tzinfo=UTC))
    assert next_week.week_start == date(2026, 11, 9)
    assert next_week is not first

    brand_new = skill("Rust")
    services.replace_expertise(
        profile=Profile.objects.get(user__email="m@example.org"), items=[(brand_new, 4)]
    )
    rebuilt = mentor_index.current_index(now=datetime(2026, 11, 9, 9, tzinfo=UTC))
    assert rebuilt.vocab.skill_col(brand_new.pk) is not None


def test_a_mentee_wanting_a_brand_new_skill_is_served(db, client, mentee_ana):
    english = language("en", "English")
    person("m@example.org", mentor=True, languages=[(english, 4)])
    ana = person("ana@example.org", user=mentee_ana, mentee=True, languages=[(english, 4)])
    client.force_login(ana)
    assert client.get(reverse("api:mentor-list")).status_code == 200

    persona(ana, nice=(skill("Zig"),))

    assert client.get(reverse("api:mentor-list")).json()["count"] == 1


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def test_a_change_made_in_another_process_reaches_this_one(transactional_db, mentee_ana):
    english, python = language("en", "English"), skill("Python")
    ana = person("ana@example.org", user=mentee_ana, mentee=True, languages=[(english, 4)])
    persona(ana, must=(python,))
    dan = person("dan@example.org", mentor=True, languages=[(english, 4)])
    assert rank_mentors(user=ana, filters=MentorFilters()).count == 0

    # Another process (a Celery worker, another web worker) gives Dan the skill.
    script = (
        "from profiles import services; from profiles.models import Profile, Skill; "
        f"services.replace_expertise(profile=Profile.objects.get(user_id={dan.pk}), "
        f"items=[(Skill.objects.get(pk={python.pk}), 4)])"
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )

    page = rank_mentors(user=ana, filters=MentorFilters())
    assert [m.id for m in page.matches] == [dan.pk]


def test_peer_rows_stay_aligned_after_a_mentor_changes(db):
    english, python, go = language("en", "English"), skill("Python"), skill("Go")
    people = [
        person(f"p{n}@example.org", mentor=True, mentee=True, languages=[(english, 4)],
               expertise=[(python, 1 + n)])
        for n in range(4)
    ]  # fmt: skip
    index = _index()
    index.peer_seekers()  # built once, as a peer browse would
    persona(people[1], nice=(go,))
    services.replace_expertise(profile=Profile.objects.get(user=people[2]), items=[(go, 5)])

    refreshed = _index()

    assert refreshed._peer_seekers is not None  # carried over, not reloaded
    rebuilt = mentor_index.load_seekers(
        refreshed.vocab, refreshed.week_start, [int(i) for i in refreshed.offers.ids],
        with_slots=False,
    )  # fmt: skip
    spliced = refreshed.peer_seekers()
    np.testing.assert_array_equal(spliced.ids, refreshed.offers.ids)
    np.testing.assert_array_equal(spliced.wanted.dense(len(refreshed.vocab.skill_ids)),
                                  rebuilt.wanted.dense(len(refreshed.vocab.skill_ids)))  # fmt: skip


def test_a_bulk_change_rebuilds_the_whole_index(db, monkeypatch):
    english, python = language("en", "English"), skill("Python")
    people = [person(f"b{n}@example.org", mentor=True, languages=[(english, 4)]) for n in range(4)]
    first = _index()
    monkeypatch.setattr(mentor_index, "BULK_REFRESH", 1)
    for someone in people[:3]:
        services.replace_expertise(profile=Profile.objects.get(user=someone), items=[(python, 3)])

    rebuilt = _index()

    assert rebuilt is not first
    col = rebuilt.vocab.skill_col(python.pk)
    assert col is not None
    holders = {int(rebuilt.offers.ids[p]) for p in rebuilt.offers.skills.pos}
    assert holders == {someone.pk for someone in people[:3]}
