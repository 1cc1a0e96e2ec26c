"""Settings, cover, code of conduct, charter export and the design sheets, through the pages."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from catchment.communities.models import (
    Activity,
    Consultation,
    Membership,
    Milestone,
    ResourceCommitment,
    Role,
)
from catchment.communities.tests.factories import (
    FULL_CHARTER,
    ActivityFactory,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
    MilestoneFactory,
    ResourceCommitmentFactory,
    jpeg_bytes,
)


@pytest.fixture
def community(db):
    community = CommunityFactory(slug="gw", name="Groundwater CoP", stage="design")
    CharterVersionFactory(community=community, **FULL_CHARTER)
    return community


@pytest.fixture
def convenor(community):
    return MembershipFactory(community=community, role=Role.CONVENOR, user__display_name="Ana").user


@pytest.fixture
def convenor_client(client, convenor):
    client.force_login(convenor)
    return client


def settings_data(**extra):
    data = {
        "name": "Groundwater Community",
        "summary": "Aquifers, wells and recharge.",
        "description": "We **share** data.",
        "visibility": "private",
        "join_policy": "approval",
        "membership_basis": "individual",
        "languages": ["en", "fr"],
    }
    data.update(extra)
    return data


def test_settings_change_the_community_but_not_its_address(convenor_client, community):
    response = convenor_client.post("/communities/gw/settings/", settings_data())
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.visibility, community.slug) == (
        "Groundwater Community",
        "private",
        "gw",
    )
    assert sorted(community.languages.values_list("code", flat=True)) == ["en", "fr"]


def test_a_cover_picture_is_cropped_served_and_removable(convenor_client, community, client):
    picture = SimpleUploadedFile("cover.png", jpeg_bytes((1600, 900)), content_type="image/png")
    convenor_client.post("/communities/gw/settings/", settings_data(visibility="public", cover=picture))
    community.refresh_from_db()
    assert community.cover
    response = convenor_client.get("/communities/gw/cover.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    from PIL import Image

    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (1200, 360)
    assert 'src="/communities/gw/cover.jpg"' in convenor_client.get("/communities/gw/").content.decode()
    convenor_client.post("/communities/gw/settings/", settings_data(remove_cover="on"))
    community.refresh_from_db()
    assert not community.cover


def test_a_file_that_is_not_a_picture_is_refused_and_the_other_changes_are_kept_in_the_form(
    convenor_client, community
):
    fake = SimpleUploadedFile("cover.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg")
    response = convenor_client.post("/communities/gw/settings/", settings_data(cover=fake))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Groundwater Community" in body  # what was typed is still there
    assert "Please correct the errors below." in body
    community.refresh_from_db()
    assert community.name == "Groundwater CoP" and not community.cover


def test_charter_exports_as_markdown_and_word(client, community):
    number = community.charter_versions.get().number
    markdown = client.get("/communities/gw/charter.md")
    assert markdown.status_code == 200
    assert markdown["Content-Disposition"] == f'attachment; filename="gw-charter-v{number}.md"'
    text = markdown.content.decode()
    assert text.startswith("# Charter of Groundwater CoP")
    assert "## Code of conduct\n\nBe respectful; share sources; keep confidences." in text
    word = client.get("/communities/gw/charter.docx")
    assert word.status_code == 200
    document = Document(io.BytesIO(word.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "Charter of Groundwater CoP"
    assert "Purpose" in paragraphs and FULL_CHARTER["purpose"] in paragraphs
    assert document.core_properties.title == "Charter of Groundwater CoP"


def test_a_community_without_a_charter_has_nothing_to_export(client, db):
    CommunityFactory(slug="empty")
    assert client.get("/communities/empty/charter.md").status_code == 404


def test_an_approved_member_accepts_the_code_of_conduct(client, community):
    member = MembershipFactory(community=community).user
    client.force_login(member)
    home = client.get("/communities/gw/").content.decode()
    assert "please read and accept the community" in home
    refused = client.post("/communities/gw/conduct/", {})
    assert "Tick the box" in refused.content.decode()
    client.post("/communities/gw/conduct/", {"accept_conduct": "on"})
    membership = Membership.objects.get(user=member)
    assert membership.conduct_accepted_at is not None
    assert membership.conduct_version == community.charter_versions.get()
    assert "please read and accept" not in client.get("/communities/gw/").content.decode()


def test_the_consultation_is_written_and_read(convenor_client, community, client):
    assert "Save the consultation" in convenor_client.get("/communities/gw/consultation/").content.decode()
    convenor_client.post(
        "/communities/gw/consultation/",
        {
            "motivation": "Wells run dry.",
            "purpose": "",
            "expectations": "",
            "needs": "A moderator",
            "limitations": "",
        },
    )
    consultation = Consultation.objects.get(community=community)
    assert consultation.motivation == "Wells run dry."
    page = client.get("/communities/gw/consultation/").content.decode()
    assert "Wells run dry." in page and "Save the consultation" not in page


def test_the_resources_sheet_adds_lines_and_totals_them(convenor_client, community, convenor):
    convenor_client.post(
        "/communities/gw/resources/",
        {"responsibility": "Moderator", "person": convenor.pk, "hours_per_month": "10"},
    )
    convenor_client.post(
        "/communities/gw/resources/",
        {"responsibility": "moderator", "person_name": "Ben", "hours_per_month": "5.5"},
    )
    refused = convenor_client.post(
        "/communities/gw/resources/", {"responsibility": "Sponsor", "hours_per_month": "2"}
    )
    assert "Choose a member or write a name." in refused.content.decode()
    too_many = convenor_client.post(
        "/communities/gw/resources/",
        {"responsibility": "Sponsor", "person_name": "X", "hours_per_month": "800"},
    )
    assert "between 0 and 744" in too_many.content.decode()
    assert ResourceCommitment.objects.count() == 2
    page = convenor_client.get("/communities/gw/resources/").content.decode()
    assert "<strong>15.5</strong>" in page
    assert "0.10" in page  # suggested support for a one-member community


def test_owners_must_be_in_the_core_team(convenor_client, community):
    outsider = MembershipFactory(community=CommunityFactory()).user
    response = convenor_client.post(
        "/communities/gw/follow-up/",
        {"title": "Recruit", "due_on": "2026-01-10", "owner": outsider.pk, "status": "open"},
    )
    assert response.status_code == 200
    assert Milestone.objects.count() == 0


def test_the_activity_plan_checks_dates_draws_a_timeline_and_downloads_as_csv(convenor_client, community):
    bad = convenor_client.post(
        "/communities/gw/activities/",
        {
            "title": "Webinars",
            "kind": "webinar",
            "cadence": "monthly",
            "starts_on": "2026-03-01",
            "ends_on": "2026-01-01",
            "status": "planned",
        },
    )
    assert "The end cannot come before the start." in bad.content.decode()
    open_ended = convenor_client.post(
        "/communities/gw/activities/",
        {
            "title": "Webinars",
            "kind": "webinar",
            "cadence": "monthly",
            "starts_on": "2026-03-01",
            "status": "planned",
        },
    )
    assert "A recurring activity needs an end date." in open_ended.content.decode()
    convenor_client.post(
        "/communities/gw/activities/",
        {
            "title": "=HYPERLINK(1)",
            "kind": "webinar",
            "cadence": "monthly",
            "starts_on": "2026-01-15",
            "ends_on": "2026-03-15",
            "status": "planned",
        },
    )
    assert Activity.objects.count() == 1
    page = convenor_client.get("/communities/gw/activities/").content.decode()
    assert '<svg class="timeline"' in page
    assert page.count("<circle") == 3
    rows = list(
        csv.reader(io.StringIO(convenor_client.get("/communities/gw/activities.csv").content.decode()))
    )
    assert rows[0] == ["title", "kind", "cadence", "owner", "starts_on", "ends_on", "status"]
    assert rows[1] == ["'=HYPERLINK(1)", "webinar", "monthly", "", "2026-01-15", "2026-03-15", "planned"]


def test_lines_are_edited_and_deleted_only_in_their_own_community(convenor_client, community):
    activity = ActivityFactory(community=community)
    elsewhere = ActivityFactory()
    response = convenor_client.post(
        f"/communities/gw/activities/{activity.pk}/",
        {
            "title": "Renamed",
            "kind": "training",
            "cadence": "once",
            "starts_on": "2026-02-01",
            "status": "done",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("Renamed", "done")
    assert convenor_client.get(f"/communities/gw/activities/{elsewhere.pk}/").status_code == 404
    assert convenor_client.post(f"/communities/gw/activities/{elsewhere.pk}/delete/").status_code == 404
    convenor_client.post(f"/communities/gw/activities/{activity.pk}/delete/")
    assert list(Activity.objects.all()) == [elsewhere]


def test_overdue_milestones_are_flagged(convenor_client, community):
    MilestoneFactory(community=community, title="Late", due_on=datetime.date(2020, 1, 1))
    MilestoneFactory(community=community, title="Done late", due_on=datetime.date(2020, 1, 1), status="done")
    MilestoneFactory(community=community, title="Future", due_on=datetime.date(2099, 1, 1))
    page = convenor_client.get("/communities/gw/follow-up/").content.decode()
    assert "1 milestone is overdue." in page
    assert page.count('class="overdue"') == 1


def test_readers_see_the_sheets_but_cannot_change_them(client, community):
    member = MembershipFactory(community=community).user
    ResourceCommitmentFactory(community=community)
    client.force_login(member)
    page = client.get("/communities/gw/resources/").content.decode()
    assert "Add a line" not in page
    response = client.post(
        "/communities/gw/resources/", {"responsibility": "X", "person_name": "Y", "hours_per_month": "1"}
    )
    assert response.status_code == 404
    assert ResourceCommitment.objects.count() == 1


def test_the_home_page_shows_launch_readiness_and_what_is_coming(convenor_client, community):
    ActivityFactory(
        community=community,
        title="Kick-off webinar",
        cadence="once",
        starts_on=datetime.date(2099, 1, 1),
        ends_on=None,
    )
    page = convenor_client.get("/communities/gw/").content.decode()
    assert "Ready to launch?" in page
    assert '<li class="done">All seven elements' in page
    assert "<li>At least one moderator is named" in page
    assert "Kick-off webinar" in page


@pytest.mark.parametrize(
    "path",
    [
        "",
        "consultation/",
        "resources/",
        "activities/",
        "activities.csv",
        "follow-up/",
        "invitations/",
        "conduct/",
        "settings/",
    ],
)
def test_design_pages_run_a_constant_number_of_queries(convenor_client, community, path):
    Consultation.objects.create(community=community, motivation="Why")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert convenor_client.get(f"/communities/gw/{path}").status_code == 200
        return len(captured)

    def grow(n):
        for _ in range(n):
            owner = MembershipFactory(community=community, role=Role.CORE).user
            ActivityFactory(community=community, owner=owner)
            MilestoneFactory(community=community, owner=owner)
            ResourceCommitmentFactory(community=community, person=owner)

    grow(2)
    small = count()
    grow(15)
    assert count() == small


def test_the_word_export_keeps_paragraphs_and_lists_and_drops_control_characters(client, community):
    CharterVersionFactory(
        community=community,
        **{**FULL_CHARTER, "objectives": "First para.\r\n\r\n- a\r\n- b\r\n\r\nLast\x01 para."},
    )
    community.name = "Ground\x1bwater"
    community.save()
    document = Document(io.BytesIO(client.get("/communities/gw/charter.docx").content))
    paragraphs = [(p.text, p.style.name) for p in document.paragraphs]
    assert ("First para.", "Normal") in paragraphs
    assert ("a", "List Bullet") in paragraphs and ("b", "List Bullet") in paragraphs
    assert ("Last para.", "Normal") in paragraphs
    assert paragraphs[0][0] == "Charter of Groundwater"


def test_an_archived_community_records_no_new_acceptance(client, community):
    member = MembershipFactory(community=community).user
    community.stage = "archived"
    community.save()
    client.force_login(member)
    client.post("/communities/gw/conduct/", {"accept_conduct": "on"})
    assert Membership.objects.get(user=member).conduct_accepted_at is None


def test_two_editors_of_the_consultation_do_not_overwrite_each_other(convenor_client, community):
    first = {
        "motivation": "Mine",
        "purpose": "",
        "expectations": "",
        "needs": "",
        "limitations": "",
        "based_on": "",
    }
    convenor_client.post("/communities/gw/consultation/", first)
    stale = {**first, "motivation": "Theirs"}
    response = convenor_client.post("/communities/gw/consultation/", stale)
    body = response.content.decode()
    assert "Someone saved the consultation while you were editing." in body
    assert "Theirs" in body and "The version saved meanwhile" in body
    assert Consultation.objects.get().motivation == "Mine"
    rebased = re.search(r'name="based_on" value="([^"]+)"', body).group(1)
    convenor_client.post("/communities/gw/consultation/", {**stale, "based_on": rebased})
    assert Consultation.objects.get().motivation == "Theirs"


def test_dates_outside_the_planning_range_are_refused(convenor_client, community):
    response = convenor_client.post(
        "/communities/gw/activities/",
        {
            "title": "Far",
            "kind": "webinar",
            "cadence": "monthly",
            "starts_on": "9999-12-20",
            "ends_on": "9999-12-31",
            "status": "planned",
        },
    )
    assert "Choose a date between 1900 and 2200." in response.content.decode()
    assert Activity.objects.count() == 0
