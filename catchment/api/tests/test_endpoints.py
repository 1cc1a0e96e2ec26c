"""Each operation's happy path and its denial, through the same services as the pages."""

from __future__ import annotations

from django.core import mail

from catchment.communities.models import Membership, Role
from catchment.discussions.models import Flag, Post, Reaction, Topic
from catchment.events.models import Registration

from .conftest import SENTINEL, bearer, token_for


def as_user(user, scope="write", community=None):
    return bearer(token_for(user, scope, community))


def test_me_needs_someone(api, hub):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_catalogue_lists_what_the_viewer_may_know_of(api, hub):
    anonymous = [c["slug"] for c in api.get("/api/v1/communities/").json()["results"]]
    assert "rivers" in anonymous and "cwp" in anonymous and "board" not in anonymous
    convenor = [
        c["slug"] for c in as_user(hub.convenor, "read").get("/api/v1/communities/").json()["results"]
    ]
    assert "board" in convenor
    assert api.get("/api/v1/communities/board/").status_code == 404


def test_community_detail_says_what_the_viewer_may_do(api, hub):
    data = as_user(hub.outsider, "read").get("/api/v1/communities/rivers/").json()
    assert data["can"]["join"] is True and data["my_role"] is None
    assert as_user(hub.convenor, "read").get("/api/v1/communities/rivers/").json()["my_role"] == "convenor"


def test_joining_an_open_community_and_leaving_it(hub):
    client = as_user(hub.outsider)
    response = client.post("/api/v1/communities/rivers/join/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "member"
    assert Membership.objects.filter(community=hub.public, user=hub.outsider).exists()
    again = client.post("/api/v1/communities/rivers/join/", {}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "rejected"
    assert client.delete("/api/v1/communities/rivers/membership/").status_code == 204
    assert not Membership.objects.filter(community=hub.public, user=hub.outsider).exists()


def test_joining_a_community_that_approves_members_is_refused_and_a_request_is_made_instead(hub):
    client = as_user(hub.outsider)
    assert client.post("/api/v1/communities/cwp/join/", {}, format="json").status_code == 403
    response = client.post("/api/v1/communities/cwp/requests/", {"message": "I run a CWP"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert not Membership.objects.filter(community=hub.private, user=hub.outsider).exists()


def test_anonymous_writes_answer_401_and_change_nothing(api, hub):
    assert api.post("/api/v1/communities/rivers/join/", {}, format="json").status_code == 401
    assert (
        api.post(
            f"/api/v1/events/{hub.event.pk}/registration/", {"language": "en"}, format="json"
        ).status_code
        == 401
    )
    assert not Registration.objects.exists()


def test_members_list_follows_the_community_read_rule(api, hub):
    names = [
        m["member"]["username"] for m in api.get("/api/v1/communities/rivers/members/").json()["results"]
    ]
    assert hub.member.username in names
    assert api.get("/api/v1/communities/cwp/members/").status_code == 404
    inside = as_user(hub.private_member, "read").get("/api/v1/communities/cwp/members/")
    assert inside.status_code == 200


def test_a_convenor_changes_a_role_only_with_an_admin_token_for_that_community(hub):
    url = f"/api/v1/communities/rivers/members/{hub.member.username}/"
    assert as_user(hub.convenor).patch(url, {"role": "moderator"}, format="json").status_code == 403
    response = as_user(hub.convenor, "admin", hub.public).patch(url, {"role": "moderator"}, format="json")
    assert response.status_code == 200
    assert Membership.objects.get(community=hub.public, user=hub.member).role == Role.MODERATOR
    denied = as_user(hub.outsider).patch(
        f"/api/v1/communities/rivers/members/{hub.convenor.username}/", {"role": "member"}, format="json"
    )
    assert denied.status_code == 403
    assert Membership.objects.get(community=hub.public, user=hub.convenor).role == Role.CONVENOR


def test_topics_are_listed_started_and_replied_to(hub):
    client = as_user(hub.member)
    listed = client.get("/api/v1/communities/rivers/topics/").json()["results"]
    assert [t["title"] for t in listed] == ["Floodplain reconnection"]
    started = client.post(
        "/api/v1/communities/rivers/topics/",
        {
            "kind": "question",
            "title": "Willow spiling?",
            "body": "Has **anyone** tried it?",
            "language": "en",
        },
        format="json",
    )
    assert started.status_code == 201, started.json()
    topic = Topic.objects.get(pk=started.json()["id"])
    reply = client.post(
        f"/api/v1/communities/rivers/topics/{topic.pk}/posts/", {"body": "Yes, in 2019."}, format="json"
    )
    assert reply.status_code == 201
    posts = client.get(f"/api/v1/communities/rivers/topics/{topic.pk}/posts/").json()["results"]
    assert [p["number"] for p in posts] == [1, 2]
    assert "<strong>anyone</strong>" in posts[0]["body_html"]


def test_outsiders_cannot_read_or_post_in_a_private_community(hub):
    client = as_user(hub.outsider)
    assert client.get("/api/v1/communities/cwp/topics/").status_code == 404
    response = client.post(
        "/api/v1/communities/cwp/topics/", {"title": "x", "body": "y", "language": "en"}, format="json"
    )
    assert response.status_code == 404
    assert SENTINEL not in response.content.decode()
    assert Topic.objects.filter(community=hub.private).count() == 1


def test_reactions_toggle_and_flags_reach_the_moderators_once(hub):
    post = Post.objects.get(topic=hub.topic, number=1)
    client = as_user(hub.member)
    url = f"/api/v1/communities/rivers/topics/{hub.topic.pk}/posts/{post.pk}/"
    assert client.post(url + "reactions/", {"kind": "thanks"}, format="json").json() == {
        "kind": "thanks",
        "present": True,
    }
    assert client.post(url + "reactions/", {"kind": "thanks"}, format="json").json()["present"] is False
    assert not Reaction.objects.exists()
    assert client.post(url + "flags/", {"reason": "spam"}, format="json").status_code == 201
    assert client.post(url + "flags/", {"reason": "spam"}, format="json").status_code == 400
    assert Flag.objects.count() == 1


def test_events_list_filters_by_community_and_hides_private_ones(api, hub):
    public = api.get("/api/v1/events/?community=rivers").json()["results"]
    assert [e["title"] for e in public] == ["Nature-based solutions webinar"]
    assert SENTINEL not in api.get("/api/v1/events/").content.decode()
    assert api.get(f"/api/v1/events/{hub.private_event.pk}/").status_code == 404
    assert api.get(f"/api/v1/events/{hub.event.pk}/").json()["join_url"] is None


def test_registration_fills_places_then_the_waiting_list_and_cancelling_promotes(
    hub, django_capture_on_commit_callbacks
):
    first, second, third = as_user(hub.member), as_user(hub.convenor), as_user(hub.outsider)
    url = f"/api/v1/events/{hub.event.pk}/registration/"
    with django_capture_on_commit_callbacks(execute=True):
        assert first.post(url, {"language": "en"}, format="json").json()["status"] == "registered"
    assert second.post(url, {"language": "fr"}, format="json").json()["status"] == "registered"
    waiting = third.post(url, {"language": "en"}, format="json").json()
    assert waiting["status"] == "waitlisted" and waiting["waiting_position"] == 1
    assert (
        first.get(f"/api/v1/events/{hub.event.pk}/").json()["join_url"] == "https://meet.example.org/launch"
    )
    assert first.delete(url).json()["status"] == "cancelled"
    assert Registration.objects.get(event=hub.event, user=hub.outsider).status == "registered"
    assert [message.to for message in mail.outbox] == [[hub.member.email]]


def test_registering_in_a_language_the_event_is_not_held_in_is_refused(hub):
    response = as_user(hub.member).post(
        f"/api/v1/events/{hub.event.pk}/registration/", {"language": "ru"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "rejected"
    assert not Registration.objects.exists()


def test_registrations_with_emails_are_for_organisers_with_an_admin_token(hub):
    as_user(hub.member).post(
        f"/api/v1/events/{hub.event.pk}/registration/", {"language": "en"}, format="json"
    )
    url = f"/api/v1/events/{hub.event.pk}/registrations/"
    assert as_user(hub.member, "read").get(url).status_code == 404
    assert as_user(hub.convenor, "read").get(url).status_code == 403
    rows = as_user(hub.convenor, "admin", hub.public).get(url).json()["results"]
    assert [row["email"] for row in rows] == [hub.member.email]


def test_library_lists_only_readable_resources(api, hub):
    assert SENTINEL not in api.get("/api/v1/resources/").content.decode()
    assert api.get(f"/api/v1/resources/{hub.private_resource.pk}/").status_code == 404
    inside = as_user(hub.private_member, "read")
    assert inside.get(f"/api/v1/resources/{hub.private_resource.pk}/").status_code == 200


def test_people_directory_hides_members_only_profiles_from_the_public(api, hub):
    from catchment.accounts.models import ProfileVisibility

    profile = hub.member.profile
    profile.visibility = ProfileVisibility.MEMBERS
    profile.save()
    assert api.get(f"/api/v1/people/{hub.member.username}/").status_code == 404
    assert hub.member.username not in api.get("/api/v1/people/").content.decode()
    assert as_user(hub.outsider, "read").get(f"/api/v1/people/{hub.member.username}/").status_code == 200
    assert "email" not in as_user(hub.outsider, "read").get(f"/api/v1/people/{hub.member.username}/").json()


def test_notifications_are_listed_and_marked_read(hub):
    client = as_user(hub.convenor)
    as_user(hub.member).post(
        f"/api/v1/communities/rivers/topics/{hub.topic.pk}/posts/", {"body": "A reply"}, format="json"
    )
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert listed and listed[0]["read_at"] is None
    assert client.post("/api/v1/notifications/read/", {}, format="json").json()["count"] == len(listed)


def test_search_finds_public_things_and_never_private_ones(api, hub):
    from catchment.search import services as search

    search.rebuild()
    found = api.get("/api/v1/search/?q=Floodplain").json()
    assert any(result["title"] == "Floodplain reconnection" for result in found["results"])
    assert SENTINEL not in api.get(f"/api/v1/search/?q={SENTINEL}").content.decode()
    assert api.get("/api/v1/search/").status_code == 400
