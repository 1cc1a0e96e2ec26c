"""Events and the library in a real browser: a member in Lima finds a launch webinar, sees it in her time
and the organiser's, registers in Spanish and gets the calendar file; the last place goes, the next
person waits and is promoted when she cancels; an organiser runs a three-round World Café for 24 people
at 4 tables and records a harvest; a private community's file stays with its members."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, base, email):
    page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, base, email)
    return page


def webinar(organiser, capacity):
    from catchment.events import services

    return services.event_create(
        actor=organiser,
        community=None,
        data=services.EventData(
            kind="webinar",
            title="Launch: the multi-stakeholder partnership sourcebook",
            time_zone="Europe/Stockholm",
            starts=datetime.datetime(2031, 5, 27, 14, 0),
            ends=datetime.datetime(2031, 5, 27, 15, 45),
            languages=["en"],
            interpreted=["es", "fr", "ru"],
            join_url="https://meet.example.org/launch",
            capacity=capacity,
        ),
    )


def test_find_register_in_spanish_wait_and_be_promoted(browser, page, live_server):
    from icalendar import Calendar

    from catchment.accounts.tests.factories import ProfileFactory, UserFactory
    from catchment.events import services

    base = live_server.url
    organiser = UserFactory(is_staff=True)
    event = webinar(organiser, capacity=3)
    for _ in range(2):
        services.register(actor=UserFactory(), event=event, language="en")
    ProfileFactory(
        user__email="maria@example.org",
        user__display_name="María",
        user__timezone="America/Lima",
        user__language="en",
    )
    ProfileFactory(user__email="bruno@example.org", user__display_name="Bruno", user__language="en")

    # María finds the webinar and sees it in her time and the organiser's.
    sign_in(page, base, "maria@example.org")
    page.goto(base + "/events/")
    assert "07:00–08:45 -05, Lima" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="Launch: the multi-stakeholder partnership sourcebook").click()
    page.wait_for_url(re.compile(rf".*/events/{event.pk}/$"))
    text = page.inner_text("main")
    assert "07:00–08:45 -05, Lima" in text and "14:00–15:45 CEST, Stockholm" in text
    assert "English; interpreted into Spanish, French, Russian" in text
    assert "meet.example.org" not in text
    assert_accessible(page)

    # She registers to follow it in Spanish and gets the confirmation with a calendar file.
    mail.outbox.clear()
    page.get_by_label("The language you will follow").select_option("es")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert "You are registered (in Spanish)" in page.inner_text("main")
    assert "https://meet.example.org/launch" in page.inner_text("main")
    (confirmation,) = [m for m in mail.outbox if m.to == ["maria@example.org"]]
    name, content, mimetype = confirmation.attachments[0]
    assert (name, mimetype) == ("event.ics", "text/calendar")
    entry = Calendar.from_ical(content).walk("VEVENT")[0]
    assert entry.decoded("dtstart") == datetime.datetime(2031, 5, 27, 12, 0, tzinfo=datetime.UTC)

    # That was the last place: Bruno waits, and is promoted when María cancels.
    bruno = new_page(browser, base, "bruno@example.org")
    bruno.goto(base + f"/events/{event.pk}/")
    bruno.get_by_role("button", name="Join the waiting list").click()
    bruno.wait_for_load_state()
    assert "You are number 1 on the waiting list" in bruno.inner_text("main")
    mail.outbox.clear()
    page.get_by_role("button", name="Cancel my registration").click()
    page.wait_for_load_state()
    assert any(m.to == ["bruno@example.org"] for m in mail.outbox)
    bruno.reload()
    assert "You are registered" in bruno.inner_text("main")
    bruno.context.close()


def test_an_organiser_runs_a_world_cafe_for_24_people_at_4_tables(browser, page, live_server):
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.events import services
    from catchment.events.models import Harvest, Seat

    base = live_server.url
    organiser = ProfileFactory(user__email="organiser@example.org", user__is_staff=True).user
    starts = datetime.datetime(2031, 6, 10, 10, 0)
    event = services.event_create(
        actor=organiser,
        community=None,
        data=services.EventData(
            kind="world_cafe",
            title="World Café: what makes a partnership last?",
            time_zone="Africa/Nairobi",
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            venue="Nairobi, Hall B",
            languages=["en"],
        ),
    )
    people = [ProfileFactory(user__username=f"guest-{n}").user for n in range(24)]
    for person in people:
        services.register(actor=person, event=event, language="en")

    sign_in(page, base, "organiser@example.org")
    page.goto(base + f"/events/{event.pk}/")
    page.get_by_role("link", name="World Café: tables, rounds and harvest").click()
    page.get_by_role("link", name="Set up the café").click()
    page.get_by_label("In a room").check()
    page.get_by_label("Rounds (required)", exact=True).fill("3")
    page.get_by_label("Questions, one a line, in the order of the rounds (required)").fill(
        "What brought your partnership together?\nWhat nearly broke it?\nWhat would you tell a new partnership?"
    )
    page.get_by_label("Tables, one a line (required)").fill(
        "\n".join(f"Table {n + 1}; guest-{n}" for n in range(4))
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save the café").click()
    page.wait_for_url(re.compile(rf".*/events/{event.pk}/cafe/$"))
    page.get_by_role("button", name="Seat everyone registered").click()
    page.wait_for_load_state()
    assert "Everyone is seated" in page.inner_text("main")
    assert Seat.objects.filter(cafe=event.cafe).count() == 24 * 3
    plan = page.get_by_role("table")
    assert plan.get_by_role("row").count() == 1 + 4
    assert_accessible(page)

    page.get_by_role("link", name="Harvest of Table 1, round 1").click()
    page.get_by_label("Notes from the table").fill("A flood everybody remembered brought us together.")
    page.get_by_label("Key insights").fill("A **shared, named problem** convenes.")
    page.get_by_role("button", name="Save the harvest").click()
    page.wait_for_url(re.compile(r".*/cafe/synthesis/#round-1$"))
    assert "shared, named problem" in page.inner_text("main")
    assert_accessible(page)
    assert Harvest.objects.count() == 1
    page.goto(base + f"/events/{event.pk}/cafe/cards/")
    assert page.locator(".table-card").count() == 4


def test_a_private_communitys_file_is_not_downloaded_by_an_outsider(browser, page, live_server, tmp_path):
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.core.tests.test_uploads import pdf_bytes
    from catchment.library.models import Resource

    base = live_server.url
    community = CommunityFactory(slug="cwp", name="CoP for Country Water Partnerships", visibility="private")
    member = ProfileFactory(user__email="member@example.org").user
    MembershipFactory(community=community, user=member)
    ProfileFactory(user__email="outsider@example.org")
    document = tmp_path / "Partnership survey.pdf"
    document.write_bytes(pdf_bytes())

    sign_in(page, base, "member@example.org")
    page.goto(base + "/communities/cwp/library/")
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Document").check()
    page.get_by_label("Title (required)").fill("Country partnership survey 2031")
    page.get_by_label("File").set_input_files(str(document))
    assert_accessible(page)
    page.get_by_role("button", name="Add to the library").click()
    page.wait_for_url(re.compile(r".*/library/\d+/$"))
    resource = Resource.objects.get()
    assert resource.community == community and resource.file_name == "Partnership survey.pdf"
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("Download")).click()
    assert downloading.value.suggested_filename == "Partnership survey.pdf"

    outsider = new_page(browser, base, "outsider@example.org")
    response = outsider.goto(base + f"/library/{resource.pk}/download/")
    assert response.status == 404
    assert "Country partnership survey" not in outsider.content()
    outsider.goto(base + "/library/")
    assert "Country partnership survey" not in outsider.content()
    outsider.context.close()
