"""Each membership step tells the people concerned, in their own language, once, and only after commit."""

import pytest
from django.core import mail
from django.db import transaction

from catchment.accounts.tests.factories import UserFactory
from catchment.communities import services
from catchment.communities.models import JoinRequest, Role, Stage
from catchment.communities.tests.factories import (
    FULL_CHARTER,
    CharterVersionFactory,
    CommunityFactory,
    MembershipFactory,
)


@pytest.fixture
def community(db):
    community = CommunityFactory(slug="wash", name="WASH CoP", join_policy="approval")
    CharterVersionFactory(community=community, **FULL_CHARTER)
    return community


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_request_reaches_the_moderators_and_convenors_in_their_languages(
    community, django_capture_on_commit_callbacks
):
    convenor = MembershipFactory(community=community, role=Role.CONVENOR, user__language="es").user
    moderator = MembershipFactory(community=community, role=Role.MODERATOR, user__language="fr").user
    MembershipFactory(community=community, role=Role.CORE)  # core members do not decide
    applicant = UserFactory(display_name="Kwame")
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_create(actor=applicant, community=community, message="I work on sanitation.")
    assert sent_to() == sorted([convenor.email, moderator.email])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "I work on sanitation." in by_address[convenor.email].body
    assert "Kwame" in by_address[moderator.email].subject


def test_the_applicant_hears_the_decision_with_the_moderators_message(
    community, django_capture_on_commit_callbacks
):
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    applicant = UserFactory()
    request = JoinRequest.objects.create(community=community, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decide(
            actor=moderator, join_request=request, approve=True, message="Welcome, Kwame"
        )
    assert sent_to() == [applicant.email]
    assert "Welcome, Kwame" in mail.outbox[0].body
    assert "/communities/wash/conduct/" in mail.outbox[0].body


def test_role_changes_removals_bans_handovers_departures_and_launch_are_announced(
    community, django_capture_on_commit_callbacks
):
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    target = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_change_role(actor=convenor, community=community, user=target, role=Role.MODERATOR)
    assert sent_to() == [target.email]
    assert "Moderator" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.convenorship_hand_over(actor=convenor, community=community, to_user=target)
    assert sent_to() == [target.email]

    mail.outbox.clear()
    leaver = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(actor=leaver, community=community)
    assert sent_to() == sorted([convenor.email, target.email])  # the convenor and the new co-convenor

    mail.outbox.clear()
    removed = MembershipFactory(community=community).user
    banned = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(actor=target, community=community, user=removed)
        services.membership_remove(actor=target, community=community, user=banned, ban=True)
    assert sent_to() == sorted([removed.email, banned.email])
    assert any("cannot join it again" in message.body for message in mail.outbox)

    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    mail.outbox.clear()
    community.stage = Stage.DESIGN
    community.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.community_set_stage(actor=target, community=community, stage=Stage.LAUNCHED)
    assert sent_to() == sorted([convenor.email, target.email, moderator.email])  # not the banned person


def test_a_refused_or_rolled_back_action_sends_nothing(community, django_capture_on_commit_callbacks):
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    applicant = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.join_request_create(actor=applicant, community=community)
                raise RuntimeError("the rest of the request failed")
        except RuntimeError:
            pass
        with pytest.raises(services.CommunityError):
            services.join_request_decide(
                actor=moderator,
                join_request=JoinRequest.objects.create(community=community, user=moderator),
                approve=True,
            )
    assert mail.outbox == []


def test_joining_an_open_community_sends_a_welcome(db, django_capture_on_commit_callbacks):
    community = CommunityFactory(join_policy="open")
    newcomer = UserFactory(language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        services.community_join(actor=newcomer, community=community, accept_conduct=True)
    assert sent_to() == [newcomer.email]
