"""The anonymous page cache: served from the cache, retired by every change that shows on the page, never
for signed-in members, with working forms (CSRF) and conditional GET."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants, storage
from django.test import Client
from django.utils import timezone

from catchment.communities.models import Role, Visibility
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core import pagecache
from catchment.discussions import services

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture
def community():
    return CommunityFactory(slug="wash", name="WASH CoP", visibility=Visibility.PUBLIC)


@pytest.fixture
def writer(community):
    joined = timezone.now() - datetime.timedelta(days=30)
    return MembershipFactory(community=community, role=Role.MEMBER, user__date_joined=joined).user


@pytest.fixture
def topic(community, writer):
    return services.topic_create(
        actor=writer,
        community=community,
        kind="question",
        title="Chlorinating wells",
        body="Any advice?",
        language="en",
    )


def test_an_anonymous_page_is_served_from_the_cache_the_second_time(client, topic):
    url = f"/communities/wash/topics/{topic.pk}/"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "Chlorinating wells" in second.content.decode()
    assert first.content.decode().count("Any advice?") == second.content.decode().count("Any advice?") == 1
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]


def test_a_new_reply_shows_at_once_for_anonymous_readers(client, topic, writer):
    url = f"/communities/wash/topics/{topic.pk}/"
    listing = "/communities/wash/topics/"
    client.get(url), client.get(listing)
    services.post_reply(actor=writer, topic=topic, body="Half a milligram per litre works for us.")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Half a milligram per litre" in fresh.content.decode()
    assert client.get(listing)["X-Page-Cache"] == "miss"


def test_a_change_in_another_community_keeps_this_communitys_pages(client, topic, writer):
    url = f"/communities/wash/topics/{topic.pk}/"
    client.get(url)
    other = CommunityFactory(slug="drought", visibility=Visibility.PUBLIC)
    assert client.get(url)["X-Page-Cache"] == "miss"  # a community created or edited retires every page
    client.get(url), client.get("/")
    MembershipFactory(community=other, user=writer)  # the writer joins elsewhere: this page stays cached
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get("/")["X-Page-Cache"] == "miss"  # while the hub's pages show the new membership


def test_a_community_made_private_disappears_at_once_for_anonymous_visitors(client, community, topic):
    url = f"/communities/wash/topics/{topic.pk}/"
    assert client.get(url).status_code == 200
    community.visibility = Visibility.PRIVATE
    community.save()
    assert client.get(url).status_code in (302, 403, 404)
    assert "Any advice?" not in client.get(url).content.decode()


def test_signed_in_members_never_get_a_cached_page(client, topic, writer):
    url = f"/communities/wash/topics/{topic.pk}/"
    Client().get(url)  # an anonymous visitor fills the cache
    client.force_login(writer)
    response = client.get(url)
    assert response.status_code == 200 and not response.has_header("X-Page-Cache")


def test_each_visitor_gets_a_working_csrf_token_on_a_cached_page(topic):
    url = f"/communities/wash/topics/{topic.pk}/"
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert page["X-Page-Cache"] == "hit"
    body = page.content.decode()
    assert pagecache.MARK not in body
    token = TOKEN.search(body).group(1)
    switched = visitor.post("/i18n/language/", {"language": "es", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    another = Client().get(url).content.decode()
    assert TOKEN.search(another).group(1) != token  # tokens are masked afresh for every visitor


def test_languages_are_cached_apart(client, topic):
    url = f"/communities/wash/topics/{topic.pk}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en" and spanish["Content-Language"] == "es"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"


def test_conditional_get_answers_not_modified_until_the_page_changes(client, topic, writer):
    url = "/communities/wash/topics/"
    etag = client.get(url)["ETag"]
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag and not unchanged.content
    services.post_reply(actor=writer, topic=topic, body="New.")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_signed_in_lists_carry_an_etag_and_answer_not_modified(client, writer, topic):
    client.force_login(writer)
    url = "/communities/wash/topics/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_visitor_with_a_pending_message_gets_the_page_rendered(rf, topic):
    url = f"/communities/wash/topics/{topic.pk}/"
    Client().get(url)
    request = rf.get(url)
    request.user = AnonymousUser()
    request.session = {}
    request._messages = storage.default_storage(request)
    request._messages.add(constants.SUCCESS, "You have signed out.")
    assert not pagecache._cacheable_request(request)


def test_a_zero_lifetime_turns_the_cache_off(client, settings, topic):
    settings.PAGE_CACHE_SECONDS = 0
    url = f"/communities/wash/topics/{topic.pk}/"
    client.get(url)
    assert not client.get(url).has_header("X-Page-Cache")


def test_the_commit_bumps_again_so_a_page_rendered_before_it_is_retired(
    client, topic, writer, django_capture_on_commit_callbacks
):
    url = f"/communities/wash/topics/{topic.pk}/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_reply(actor=writer, topic=topic, body="Late.")
        client.get(url)  # stored between the write and its commit
    assert client.get(url)["X-Page-Cache"] == "hit"
    for callback in callbacks:
        callback()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_someone_signing_in_does_not_retire_the_cached_pages(client, topic, writer):
    url = f"/communities/wash/topics/{topic.pk}/"
    client.get(url)
    Client().force_login(writer)  # writes the account's last_login
    assert client.get(url)["X-Page-Cache"] == "hit"
