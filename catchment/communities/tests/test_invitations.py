"""Email invitations: hashed, expiring, single-use tokens that work for people with or without an account."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from catchment.accounts.models import User
from catchment.accounts.tests.factories import OrganisationFactory, UserFactory
from catchment.communities import services
from catchment.communities.models import Invitation, Membership, Role
from catchment.communities.tests.factories import CharterVersionFactory, CommunityFactory, MembershipFactory


@pytest.fixture
def community(db):
    community = CommunityFactory(slug="drought", name="Drought Management CoP", join_policy="invitation")
    CharterVersionFactory(community=community, code_of_conduct="Be kind; cite sources.")
    return community


@pytest.fixture
def convenor(community):
    return MembershipFactory(community=community, role=Role.CONVENOR, user__display_name="Ana Convenor").user


def invite(convenor, community, email="colleague@example.org", **extra):
    return services.invitation_create(actor=convenor, community=community, email=email, **extra)


def link_in(message):
    return re.search(r"https?://[^/\s]+(/communities/invitations/[^\s]+/)", message.body).group(1)


def test_the_invitation_mail_carries_a_link_whose_token_is_stored_only_as_a_hash(
    community, convenor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(convenor, community, message="Join our drought work!", language="fr")
    invitation = Invitation.objects.get()
    assert invitation.token_hash != sent.token
    assert sent.token not in str(Invitation.objects.values_list().get())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@example.org"]
    assert "Drought Management CoP" in message.subject
    assert "Join our drought work!" in message.body
    assert link_in(message) == f"/communities/invitations/{sent.token}/"
    assert "invite" in message.subject.lower() or "invit" in message.subject.lower()
    assert "lien" in message.body  # French, as chosen for someone without an account


def test_someone_with_an_account_gets_the_mail_in_their_own_language(
    community, convenor, django_capture_on_commit_callbacks
):
    UserFactory(email="olga@example.org", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        invite(convenor, community, email="Olga@Example.org", language="fr")
    assert re.search("[а-яА-Я]", mail.outbox[0].body)


def test_a_registered_person_accepts_joins_in_the_invited_role_and_the_inviter_is_told(
    client, community, convenor, django_capture_on_commit_callbacks
):
    sent = invite(convenor, community, role=Role.MODERATOR)
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    page = client.get(f"/communities/invitations/{sent.token}/")
    assert page.status_code == 200
    assert "Be kind; cite sources." in page.content.decode()
    refused = client.post(f"/communities/invitations/{sent.token}/", {})
    assert refused.status_code == 200
    assert "code of conduct" in refused.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/communities/invitations/{sent.token}/", {"accept_conduct": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=colleague)
    assert membership.role == Role.MODERATOR
    assert membership.conduct_accepted_at is not None
    assert membership.conduct_version == community.charter_versions.get()
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == colleague
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([colleague.email, convenor.email])


def test_a_used_link_cannot_be_used_again(client, community, convenor):
    sent = invite(convenor, community)
    first = UserFactory()
    services.invitation_accept(actor=first, token=sent.token, accept_conduct=True)
    second = UserFactory()
    client.force_login(second)
    response = client.get(f"/communities/invitations/{sent.token}/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    with pytest.raises(services.CommunityError, match="already been used"):
        services.invitation_accept(actor=second, token=sent.token, accept_conduct=True)
    assert not Membership.objects.filter(user=second).exists()


def test_an_expired_link_says_so_and_when(client, community, convenor):
    sent = invite(convenor, community)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(f"/communities/invitations/{sent.token}/")
    assert response.status_code == 410
    assert "expired on" in response.content.decode()
    with pytest.raises(services.CommunityError, match="expired"):
        services.invitation_accept(actor=UserFactory(), token=sent.token, accept_conduct=True)


def test_a_withdrawn_link_stops_working(client, community, convenor):
    sent = invite(convenor, community)
    client.force_login(convenor)
    response = client.post(f"/communities/drought/invitations/{sent.invitation.pk}/withdraw/")
    assert response.status_code == 302
    client.logout()
    assert client.get(f"/communities/invitations/{sent.token}/").status_code == 410


def test_someone_without_an_account_signs_up_with_the_invited_address_and_joins_at_once(
    client, community, convenor, django_capture_on_commit_callbacks
):
    sent = invite(convenor, community)
    link = f"/communities/invitations/{sent.token}/"
    landing = client.get(link)
    assert landing.status_code == 200
    assert "Create an account" in landing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signup = client.post(
            f"/accounts/signup/?next={link}",
            {
                "email": "colleague@example.org",
                "display_name": "Colleague",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
                "next": link,
            },
        )
    assert signup.status_code == 302
    assert signup["Location"] == link  # signed in at once: the invitation proved the address
    assert not any("confirm-email" in message.body for message in mail.outbox)
    response = client.post(link, {"accept_conduct": "on"})
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user__email="colleague@example.org").exists()


def test_anonymous_accepting_is_sent_to_sign_in(client, community, convenor):
    sent = invite(convenor, community)
    response = client.post(f"/communities/invitations/{sent.token}/", {"accept_conduct": "on"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Invitation.objects.get().accepted_at is None


def test_inviting_twice_members_and_banned_people_is_refused_with_a_reason(community, convenor):
    invite(convenor, community)
    with pytest.raises(services.CommunityError, match="already waiting"):
        invite(convenor, community, email=" COLLEAGUE@example.org ")
    member = MembershipFactory(community=community).user
    with pytest.raises(services.CommunityError, match="already a member"):
        invite(convenor, community, email=member.email)
    banned = MembershipFactory(community=community, status="banned").user
    with pytest.raises(services.CommunityError, match="banned"):
        invite(convenor, community, email=banned.email)
    assert Invitation.objects.count() == 1


def test_who_may_invite_and_in_which_role(community, convenor):
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    invite(moderator, community, email="a@example.org")
    with pytest.raises(services.CommunityError):
        invite(moderator, community, email="b@example.org", role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        invite(MembershipFactory(community=community).user, community, email="c@example.org")
    invite(convenor, community, email="d@example.org", role=Role.MODERATOR)


def test_an_organisation_based_community_asks_which_organisation_the_invitee_represents(
    client, community, convenor
):
    community.membership_basis = "organisation"
    community.save()
    organisation = OrganisationFactory()
    sent = invite(convenor, community)
    colleague = UserFactory()
    client.force_login(colleague)
    response = client.post(f"/communities/invitations/{sent.token}/", {"accept_conduct": "on"})
    assert response.status_code == 200
    assert "represent an organisation" in response.content.decode()
    client.post(
        f"/communities/invitations/{sent.token}/", {"accept_conduct": "on", "organisation": organisation.pk}
    )
    assert Membership.objects.get(user=colleague).organisation == organisation


def test_the_invitations_page_sends_to_several_addresses_and_reports_each_refusal(
    client, community, convenor
):
    MembershipFactory(community=community, user__email="already@example.org")
    client.force_login(convenor)
    response = client.post(
        "/communities/drought/invitations/",
        {
            "emails": "one@example.org, two@example.org\nalready@example.org",
            "role": "member",
            "language": "en",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Invitations sent to one@example.org, two@example.org." in body
    assert "already@example.org is already a member." in body
    assert set(Invitation.objects.values_list("email", flat=True)) == {"one@example.org", "two@example.org"}
    bad = client.post(
        "/communities/drought/invitations/", {"emails": "not-an-address", "role": "member", "language": "en"}
    )
    assert "is not an email address" in bad.content.decode()
    assert Invitation.objects.count() == 2


def test_a_double_submitted_invitation_form_sends_one_invitation(client, community, convenor):
    client.force_login(convenor)
    data = {"emails": "one@example.org", "role": "member", "language": "en"}
    client.post("/communities/drought/invitations/", data)
    second = client.post("/communities/drought/invitations/", data, follow=True)
    assert "already waiting" in second.content.decode()
    assert Invitation.objects.count() == 1


def test_a_member_following_an_old_invitation_is_sent_to_the_community(client, community, convenor):
    sent = invite(convenor, community, email="x@example.org")
    member = MembershipFactory(community=community).user
    client.force_login(member)
    response = client.get(f"/communities/invitations/{sent.token}/")
    assert response.status_code == 302
    assert response["Location"] == "/communities/drought/"
    assert User.objects.count() == 2


def test_an_invitation_dies_with_its_senders_power_to_invite(community, convenor):
    co = MembershipFactory(community=community, role=Role.CO_CONVENOR).user
    sent = invite(co, community, email="friend@example.org", role=Role.MODERATOR)
    services.membership_remove(actor=convenor, community=community, user=co, ban=True)
    with pytest.raises(services.CommunityError, match="no longer manages"):
        services.invitation_accept(
            actor=UserFactory(email="friend@example.org"), token=sent.token, accept_conduct=True
        )


def test_a_role_goes_only_to_the_address_it_was_sent_to(community, convenor):
    sent = invite(convenor, community, email="friend@example.org", role=Role.MODERATOR)
    with pytest.raises(services.CommunityError, match="sign in with that address"):
        services.invitation_accept(
            actor=UserFactory(email="other@example.org"), token=sent.token, accept_conduct=True
        )
    friend = UserFactory(email="Friend@Example.org")
    assert (
        services.invitation_accept(actor=friend, token=sent.token, accept_conduct=True).role == Role.MODERATOR
    )


def test_accepting_withdraws_a_pending_request_to_join(community, convenor):
    from catchment.communities.models import JoinRequest

    colleague = UserFactory()
    pending = JoinRequest.objects.create(community=community, user=colleague)
    sent = invite(convenor, community)
    services.invitation_accept(actor=colleague, token=sent.token, accept_conduct=True)
    pending.refresh_from_db()
    assert pending.status == "withdrawn"
