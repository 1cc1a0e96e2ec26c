"""Approving the charter (domain.md §6.3, fixtures CH1 to CH3): only the sponsor named on the roles sheet
approves, only a complete charter, and each approval adds a line to the CDC version history."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document

from catchment.accounts.tests.factories import UserFactory
from catchment.communities import services
from catchment.communities.models import CharterRevision, CharterVersion, Role
from catchment.communities.services import CharterIncomplete, NotAuthorised
from catchment.communities.tests.factories import (
    FULL_CHARTER,
    CommunityFactory,
    MembershipFactory,
    ResourceCommitmentFactory,
)


@pytest.fixture
def design(db):
    community = CommunityFactory(slug="deltas", stage="design")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    sponsor = UserFactory(display_name="Sara Sponsor")
    ResourceCommitmentFactory(community=community, responsibility="Sponsor (GWP secretariat)", person=sponsor)
    return community, convenor, sponsor


def save(community, convenor, note="", **changes):
    current = community.charter_versions.order_by("-number").first()
    return services.charter_save(
        actor=convenor,
        community=community,
        sections={**FULL_CHARTER, **changes},
        note=note,
        based_on=current.number if current else None,
    )


def test_ch1_an_incomplete_charter_cannot_be_approved(design):
    community, convenor, sponsor = design
    version = save(community, convenor, code_of_conduct="")
    with pytest.raises(CharterIncomplete, match="Code of conduct"):
        services.charter_approve(actor=sponsor, community=community, number=version.number)
    assert not CharterRevision.objects.exists()


def test_ch2_only_the_sponsor_approves(design):
    community, convenor, _sponsor = design
    version = save(community, convenor)
    for someone in (convenor, UserFactory(is_staff=True), UserFactory()):
        with pytest.raises(NotAuthorised):
            services.charter_approve(actor=someone, community=community, number=version.number)
    assert issubclass(NotAuthorised, PermissionDenied)
    # A sponsor's line nobody has taken, or with only a name typed in, approves nothing.
    ResourceCommitmentFactory(community=community, responsibility="Sponsor", person_name="Someone")
    with pytest.raises(NotAuthorised):
        services.charter_approve(actor=convenor, community=community, number=version.number)


def test_ch3_approving_a_new_version_supersedes_the_old_one(design):
    community, convenor, sponsor = design
    first = save(community, convenor, note="First full draft")
    services.charter_approve(actor=sponsor, community=community, number=first.number)
    second = save(community, convenor, note="Scope widened to aquifers", scope="Rivers and aquifers.")
    services.charter_approve(actor=sponsor, community=community, number=second.number)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "approved")
    history = list(CharterRevision.objects.order_by("pk"))
    assert len(history) == 2
    assert [line.reason for line in history] == ["First full draft", "Scope widened to aquifers"]
    assert all(
        line.approved_by_name == "Sara Sponsor" and line.implemented_by == convenor for line in history
    )


def test_only_the_latest_draft_is_approved_once(design):
    community, convenor, sponsor = design
    first = save(community, convenor)
    second = save(community, convenor, scope="Wider.")
    with pytest.raises(services.CommunityError, match="latest"):
        services.charter_approve(actor=sponsor, community=community, number=first.number)
    services.charter_approve(actor=sponsor, community=community, number=second.number)
    with pytest.raises(services.CommunityError, match="already"):
        services.charter_approve(actor=sponsor, community=community, number=second.number)
    assert CharterVersion.objects.get(pk=first.pk).status == "draft"


def test_the_sponsor_approves_on_the_charter_page_and_the_exports_carry_the_history(client, design):
    community, convenor, sponsor = design
    version = save(community, convenor, note="Ready | for approval")
    client.force_login(convenor)
    page = client.get("/communities/deltas/charter/").content.decode()
    assert "the sponsor has not approved a charter yet" in page and "Approve version" not in page
    assert client.post("/communities/deltas/charter/approve/", {"number": version.number}).status_code == 404
    MembershipFactory(community=community, user=sponsor)
    client.force_login(sponsor)
    assert "Approve version 1 as sponsor" in client.get("/communities/deltas/charter/").content.decode()
    for bad in ({}, {"number": "x"}, {"number": "99999999"}, {"number": "7"}):
        assert client.post("/communities/deltas/charter/approve/", bad).status_code == 302
    assert not CharterRevision.objects.exists()
    response = client.post("/communities/deltas/charter/approve/", {"number": version.number}, follow=True)
    page = response.content.decode()
    assert "The charter is approved" in page and "Approved by the sponsor, Sara Sponsor" in page
    assert "Version history" in page and "Next review due on" in page
    markdown = client.get("/communities/deltas/charter.md").content.decode()
    assert "## Version history" in markdown and "Ready \\| for approval" in markdown
    document = Document(io.BytesIO(client.get("/communities/deltas/charter.docx").content))
    assert document.tables[0].rows[1].cells[3].text == "Sara Sponsor"


def test_a_charter_without_a_named_sponsor_tells_the_editors_how_to_get_one(client, db):
    community = CommunityFactory(slug="plain", stage="design")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    save(community, convenor)
    client.force_login(convenor)
    assert "Name the sponsor, as a hub member" in client.get("/communities/plain/charter/").content.decode()
