"""The availability editor: windows in the person's own zone, problems next to the rows."""

from __future__ import annotations

from django.urls import reverse

from profiles import services
from profiles.availability import Window
from profiles.models import AvailabilityWindow


def _rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
    for n, (day, start, end) in enumerate(rows):
        data |= {
            f"windows-{n}-weekday": day,
            f"windows-{n}-start_minute": start,
            f"windows-{n}-end_minute": end,
        }
    return data


def _saved(user) -> list[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return list(
        AvailabilityWindow.objects.filter(profile__user=user).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )


def test_windows_are_saved_and_the_week_total_is_shown(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:availability"),
        _rows(("0", "1080", "1200"), ("3", "1140", "1290"), ("", "1080", "1200")),
        follow=True,
    )

    assert _saved(mentee_ana) == [(0, 1080, 1200), (3, 1140, 1290)]
    html = response.content.decode()
    assert "4.5</span>" in html
    assert "Thursday" in html
    assert "19:00–21:30" in html


def test_an_inverted_window_is_refused_next_to_its_row_and_kept(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:availability"), _rows(("1", "1200", "1080")))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuesday 20:00–18:00 ends before it starts." in html
    assert '<option value="1" selected>Tuesday</option>' in html
    assert _saved(mentee_ana) == []


def test_overlapping_windows_are_refused_and_kept(client, mentee_ana):
    profile = services.ensure_profile(user=mentee_ana)
    services.replace_availability(profile=profile, windows=[Window(4, 600, 660)])
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:availability"), _rows(("0", "1080", "1200"), ("0", "1140", "1260"))
    )

    assert response.status_code == 200
    assert "Monday 18:00–20:00 overlaps 19:00–21:00." in response.content.decode()
    assert _saved(mentee_ana) == [(4, 600, 660)]


def test_times_are_in_the_persons_own_zone(client, mentee_ana):
    services.update_profile(
        profile=services.ensure_profile(user=mentee_ana), fields={"time_zone": "Asia/Tokyo"}
    )
    client.force_login(mentee_ana)

    html = client.get(reverse("profiles:availability")).content.decode()

    assert "Asia/Tokyo" in html


def test_another_persons_public_availability_is_shown_in_the_viewers_zone(
    client, mentor_ben, stranger_dee
):
    ben = services.ensure_profile(user=mentor_ben)
    services.update_profile(
        profile=ben, fields={"is_mentor": True, "time_zone": "America/Los_Angeles"}
    )
    services.replace_availability(profile=ben, windows=[Window(0, 9 * 60, 11 * 60)])
    services.update_profile(
        profile=services.ensure_profile(user=stranger_dee), fields={"time_zone": "Asia/Tokyo"}
    )
    client.force_login(stranger_dee)

    html = client.get(reverse("profiles:public", args=[mentor_ben.pk])).content.decode()

    # Monday 09:00 in Los Angeles is Tuesday 01:00 or 02:00 in Tokyo, depending on DST.
    assert "Tue 01:00–03:00" in html or "Tue 02:00–04:00" in html
    assert "Asia/Tokyo" in html


def test_the_availability_page_runs_a_fixed_number_of_queries(
    client, mentee_ana, django_assert_num_queries
):
    profile = services.ensure_profile(user=mentee_ana)
    services.replace_availability(
        profile=profile, windows=[Window(day, 1080, 1200) for day in range(7)]
    )
    client.force_login(mentee_ana)

    # session, user, profile, its windows, unread badge count, the navigation's
    # inbox count and mentorships link
    with django_assert_num_queries(6):
        response = client.get(reverse("profiles:availability"))
    assert response.status_code == 200
