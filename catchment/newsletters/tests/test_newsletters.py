"""Newsletters: segments, languages, sending once, failures retried, opting out, reading and the pages."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import ProfileFactory, UserFactory
from catchment.communities.models import MembershipStatus, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions.tests.test_discussions import XSS, dangers
from catchment.newsletters import selectors, services
from catchment.newsletters.models import Delivery, Newsletter, OptOut
from catchment.newsletters.services import Draft


def draft(**extra):
    extra.setdefault("default_language", "en")
    extra.setdefault(
        "editions",
        {
            "en": ("Drought webinar next week", "Join us on **Tuesday**."),
            "es": ("Seminario web sobre sequía", "Únase el **martes**."),
        },
    )
    return Draft(**extra)


def person(**extra):
    return ProfileFactory(**extra).user


@pytest.fixture
def team(db):
    return UserFactory(is_staff=True, display_name="Hub Team")


def audience_ids(newsletter):
    return set(selectors.audience(selectors.Segment.of(newsletter)).values_list("pk", flat=True))


def test_segments_choose_members_by_community_group_and_country(team):
    kenyan_official = person(country="KE", stakeholder_group="government")
    peruvian_official = person(country="PE", stakeholder_group="government")
    kenyan_researcher = person(country="KE", stakeholder_group="academia")
    person(user__is_active=False)
    person(user__email="")
    community = CommunityFactory()
    MembershipFactory(community=community, user=kenyan_official)
    MembershipFactory(community=community, user=kenyan_researcher, status=MembershipStatus.BANNED)
    everyone = services.newsletter_create(actor=team, community=None, draft=draft())
    assert audience_ids(everyone) >= {kenyan_official.pk, peruvian_official.pk, kenyan_researcher.pk}
    assert UserFactory._meta.model.objects.filter(pk__in=audience_ids(everyone), is_active=False).count() == 0
    officials = services.newsletter_create(
        actor=team, community=None, draft=draft(stakeholder_group="government")
    )
    assert audience_ids(officials) == {kenyan_official.pk, peruvian_official.pk}
    kenya = services.newsletter_create(actor=team, community=None, draft=draft(country="KE"))
    assert audience_ids(kenya) == {kenyan_official.pk, kenyan_researcher.pk}
    members = services.newsletter_create(actor=team, community=community, draft=draft())
    assert audience_ids(members) == {kenyan_official.pk}  # the banned member is not written to


def test_who_may_write_newsletters(team):
    community = CommunityFactory()
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    moderator = MembershipFactory(community=community, role=Role.MODERATOR).user
    services.newsletter_create(actor=convenor, community=community, draft=draft())
    with pytest.raises(PermissionDenied):
        services.newsletter_create(actor=moderator, community=community, draft=draft())
    with pytest.raises(PermissionDenied):
        services.newsletter_create(actor=convenor, community=None, draft=draft())
    with pytest.raises(PermissionDenied):
        services.newsletter_create(actor=convenor, community=CommunityFactory(), draft=draft())
    services.newsletter_create(actor=team, community=community, draft=draft())


@pytest.mark.parametrize(
    ("editions", "default", "message"),
    [
        ({"es": ("Asunto", "Texto")}, "en", "Write the English version"),
        ({"en": ("Subject", "")}, "en", "needs both a subject and a text"),
        ({"en": ("", "Text only")}, "en", "needs both a subject and a text"),
        ({"en": ("S" * 201, "Text")}, "en", "at most 200 characters"),
        ({"en": ("Subject", "Text")}, "xx", "Choose the language"),
    ],
)
def test_a_draft_needs_a_whole_default_version(team, editions, default, message):
    with pytest.raises(services.NewsletterError, match=message):
        services.newsletter_create(
            actor=team, community=None, draft=Draft(default_language=default, editions=editions)
        )
    assert Newsletter.objects.count() == 0


def test_each_member_gets_their_language_once_and_the_figures_add_up(
    team, django_capture_on_commit_callbacks
):
    spanish = person(user__language="es")
    russian = person(user__language="ru")
    english = person(user__language="en")
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.newsletter_send(actor=team, newsletter=newsletter)
    assert count == Delivery.objects.count() >= 3
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(by_address) == len(mail.outbox) == count
    assert by_address[spanish.email].subject == "Seminario web sobre sequía"
    assert by_address[russian.email].subject == "Drought webinar next week"  # no Russian version: the default
    assert by_address[english.email].subject == "Drought webinar next week"
    html = by_address[spanish.email].alternatives[0][0]
    assert "<strong>martes</strong>" in html
    assert by_address[spanish.email].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    newsletter.refresh_from_db()
    assert newsletter.status == "sent"
    progress = selectors.progress(newsletter)
    assert (progress.total, progress.sent, progress.failed, progress.waiting) == (count, count, 0, 0)
    assert progress.by_language["es"] >= 1
    mail.outbox.clear()
    assert services.deliver(newsletter.pk) == 0  # a retried task sends nothing twice
    assert mail.outbox == []
    with pytest.raises(services.NewsletterError, match="already been sent"):
        services.newsletter_send(actor=team, newsletter=newsletter)
    with pytest.raises(services.NewsletterError, match="can no longer change"):
        services.newsletter_update(actor=team, newsletter=newsletter, draft=draft())


def test_an_smtp_outage_loses_nothing_and_a_retry_sends_only_what_failed(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(3):
        person()
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def down(self, messages):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.newsletter_send(actor=team, newsletter=newsletter)
    progress = selectors.progress(newsletter)
    assert (progress.sent, progress.failed) == (0, count)
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.failed_retry(actor=team, newsletter=newsletter) == count
    assert len(mail.outbox) == count
    assert selectors.progress(newsletter).sent == count


def test_one_click_unsubscribe_stops_that_sender_only(client, team, django_capture_on_commit_callbacks):
    reader = person()
    community = CommunityFactory(name="Drought CoP")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    MembershipFactory(community=community, user=reader)
    newsletter = services.newsletter_create(actor=convenor, community=community, draft=draft())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=convenor, newsletter=newsletter)
    message = next(m for m in mail.outbox if m.to == [reader.email])
    link = re.search(r"https?://[^/\s]+(/newsletters/unsubscribe/\S+/)", message.body).group(1)
    assert "Drought CoP" in client.get(link).content.decode()
    client.post(link)  # a mail client's one-click POST, without a session
    assert OptOut.objects.filter(user=reader, community=community).exists()
    again = services.newsletter_create(actor=convenor, community=community, draft=draft())
    assert reader.pk not in audience_ids(again)
    hub = services.newsletter_create(actor=team, community=None, draft=draft())
    assert reader.pk in audience_ids(hub)
    assert client.get("/newsletters/unsubscribe/forged/").status_code == 404


def test_someone_who_opts_out_while_it_is_queued_is_not_sent_it(team, django_capture_on_commit_callbacks):
    reader = person()
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    services.newsletter_send(actor=team, newsletter=newsletter)  # queued; the task has not run
    services.opt_out(user_id=reader.pk, community=None)
    mail.outbox.clear()
    services.deliver(newsletter.pk)
    assert reader.email not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.get(user=reader).status == "skipped"


def test_a_test_copy_goes_only_to_the_editor(team, django_capture_on_commit_callbacks):
    person()
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_test(actor=team, newsletter=newsletter, language="es")
    (copy,) = mail.outbox
    assert copy.to == [team.email] and copy.subject.endswith("Seminario web sobre sequía")
    assert copy.subject.startswith("[")
    assert Delivery.objects.count() == 0


def test_recipients_and_editors_read_the_web_version_and_no_one_else(
    client, team, django_capture_on_commit_callbacks
):
    reader = person(user__language="es")
    community = CommunityFactory()
    MembershipFactory(community=community, user=reader)
    newsletter = services.newsletter_create(actor=team, community=community, draft=draft())
    url = f"/newsletters/{newsletter.pk}/read/"
    client.force_login(reader)
    assert client.get(url).status_code == 404  # a draft
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=team, newsletter=newsletter)
    page = client.get(url).content.decode()
    assert "Seminario web sobre sequía" in page
    assert client.get(f"/newsletters/{newsletter.pk}/").status_code == 404  # the figures are for editors
    client.force_login(person())
    assert client.get(url).status_code == 404


def test_the_pages_write_preview_and_send(client, team, django_capture_on_commit_callbacks):
    person(user__language="fr")
    client.force_login(team)
    response = client.post(
        "/newsletters/new/",
        {
            "default_language": "en",
            "stakeholder_group": "",
            "country": "",
            "subject_en": "Hello",
            "body_en": "First **news**",
            "subject_fr": "Bonjour",
            "body_fr": "Premières **nouvelles**",
        },
    )
    newsletter = Newsletter.objects.get()
    assert response["Location"] == f"/newsletters/{newsletter.pk}/"
    detail = client.get(f"/newsletters/{newsletter.pk}/?language=fr").content.decode()
    assert "<strong>nouvelles</strong>" in detail and "It would go to" in detail
    response = client.post(f"/newsletters/{newsletter.pk}/send/", {})
    newsletter.refresh_from_db()
    assert newsletter.status == "draft"  # not confirmed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/newsletters/{newsletter.pk}/send/", {"confirm": "on"})
    newsletter.refresh_from_db()
    assert newsletter.status == "sent"
    detail = client.get(f"/newsletters/{newsletter.pk}/").content.decode()
    assert "How many it reached" in detail
    bad = client.post("/newsletters/new/", {"default_language": "en", "subject_en": "Only a subject"})
    assert bad.status_code == 400 and "needs both a subject and a text" in bad.content.decode()
    assert "Only a subject" in bad.content.decode()
    unknown = client.post(
        "/newsletters/new/",
        {"default_language": "en", "community": "nowhere", "subject_en": "S", "body_en": "B"},
    )
    assert unknown.status_code == 400 and "No community has this web address" in unknown.content.decode()


def test_newsletter_payloads_neither_run_nor_survive_in_mail_or_page(
    client, team, django_capture_on_commit_callbacks
):
    person()
    body = "\n\n".join(XSS)
    newsletter = services.newsletter_create(
        actor=team,
        community=None,
        draft=Draft(default_language="en", editions={"en": ("<script>x</script>", body)}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=team, newsletter=newsletter)
    html = mail.outbox[0].alternatives[0][0]
    content = html.split("</h1>", 1)[1].split("<hr>", 1)[0]
    assert dangers(content) == []
    assert "<script>x</script>" not in html
    client.force_login(team)
    page = client.get(f"/newsletters/{newsletter.pk}/read/").content.decode()
    (prose,) = re.findall(r'<div class="prose">(.*?)</div>', page, re.DOTALL)
    assert dangers(prose) == []


def test_members_choose_which_newsletters_they_receive(client, db):
    reader = person()
    community = CommunityFactory(slug="drought")
    client.force_login(reader)
    client.post("/newsletters/preferences/", {"receive": "0"})
    assert OptOut.objects.filter(user=reader, community__isnull=True).exists()
    client.post("/newsletters/preferences/", {"receive": "0"})  # twice is still once
    assert OptOut.objects.filter(user=reader).count() == 1
    services.opt_out(user_id=reader.pk, community=community)
    page = client.get("/newsletters/preferences/").content.decode()
    assert community.name in page
    client.post("/newsletters/preferences/", {"receive": "1", "community": "drought"})
    client.post("/newsletters/preferences/", {"receive": "1"})
    assert not OptOut.objects.filter(user=reader).exists()
    assert client.post("/newsletters/preferences/", {"receive": "1", "community": "nope"}).status_code == 404


@pytest.mark.parametrize("path", ["/newsletters/", "/newsletters/{pk}/", "/communities/{slug}/newsletters/"])
def test_newsletter_pages_run_a_constant_number_of_queries(client, team, path):
    community = CommunityFactory()
    first = services.newsletter_create(actor=team, community=community, draft=draft())
    services.newsletter_send(actor=team, newsletter=first) if audience_ids(first) else None
    client.force_login(team)

    def grow(n):
        for _ in range(n):
            MembershipFactory(community=community, user=person())
            services.newsletter_create(actor=team, community=community, draft=draft())

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path.format(pk=first.pk, slug=community.slug))
            assert response.status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    assert count() == small


def test_a_sender_that_dies_midway_is_resumed_and_a_failed_connection_spares_what_was_sent(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(4):
        person()
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    original = services._message
    calls = []

    def dies_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_message", dies_on_the_second)
    mail.outbox.clear()
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        services.newsletter_send(actor=team, newsletter=newsletter)
    monkeypatch.setattr(services, "_message", original)
    stuck = selectors.progress(newsletter)
    assert stuck.sent == 1 and stuck.waiting == stuck.total - 1
    Delivery.objects.filter(status="sending").update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.failed_retry(actor=team, newsletter=newsletter)
    done = selectors.progress(newsletter)
    assert (done.sent, done.waiting, done.failed) == (done.total, 0, 0)
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox) == done.total


def test_secret_communities_stay_secret_in_the_newsletter_preferences(client, db):
    secret = CommunityFactory(slug="hidden", name="Hidden Cartel Watch", visibility="secret")
    client.force_login(person())
    assert (
        client.post("/newsletters/preferences/", {"receive": "0", "community": "hidden"}).status_code == 404
    )
    assert (
        client.post("/newsletters/preferences/", {"receive": "0", "community": "a\x00b"}).status_code == 404
    )
    assert "Hidden Cartel Watch" not in client.get("/newsletters/preferences/").content.decode()
    assert not OptOut.objects.filter(community=secret).exists()


def test_unconfirmed_addresses_receive_no_newsletter(team):
    from allauth.account.models import EmailAddress

    confirmed, unconfirmed = person(), person()
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    newsletter = services.newsletter_create(actor=team, community=None, draft=draft())
    ids = audience_ids(newsletter)
    assert confirmed.pk in ids and unconfirmed.pk not in ids
