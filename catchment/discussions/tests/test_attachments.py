"""Files attached to messages: checked from their content, kept only with their message, served only as
downloads to people who may read the message."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core.tests.test_uploads import docx_bytes, pdf_bytes, png_bytes
from catchment.discussions import services
from catchment.discussions.models import Attachment, Post, Topic


@pytest.fixture
def community(db):
    return CommunityFactory(slug="wash", name="WASH CoP", visibility="private")


def member_of(community, role=Role.MEMBER, **extra):
    extra.setdefault("user__date_joined", timezone.now() - datetime.timedelta(days=30))
    return MembershipFactory(community=community, role=role, **extra).user


def pdf(name="Well design.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def start(community, author, files=()):
    return services.topic_create(
        actor=author,
        community=community,
        kind="discussion",
        title="Borehole designs",
        body="Designs we use, attached.",
        language="en",
        files=files,
    )


def stored_names():
    return set(Attachment.objects.values_list("file", flat=True))


def test_a_topic_and_a_reply_carry_checked_files(community):
    author, helper = member_of(community), member_of(community)
    topic = start(community, author, [pdf(), SimpleUploadedFile("sketch.png", png_bytes())])
    reply = services.post_reply(
        actor=helper, topic=topic, body="Ours", files=[SimpleUploadedFile("spec", docx_bytes())]
    )
    opening = topic.posts.get(number=1)
    assert [a.name for a in opening.attachments.all()] == ["Well design.pdf", "sketch.png"]
    (spec,) = reply.attachments.all()
    assert (spec.name, spec.uploaded_by) == ("spec.docx", helper)
    assert spec.content_type.endswith("wordprocessingml.document")
    assert all(default_storage.exists(name) for name in stored_names())
    assert all(name.startswith("attachments/") and "Well" not in name for name in stored_names())


def test_a_refused_file_refuses_the_whole_message_and_keeps_nothing(community):
    author = member_of(community)
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>")
    with pytest.raises(services.DiscussionError, match="not a kind of file we accept"):
        start(community, author, [pdf(), fake])
    assert Topic.objects.count() == 0 and Attachment.objects.count() == 0


def test_too_many_or_too_large_files_are_refused_with_the_limit(community, settings):
    author = member_of(community)
    topic = start(community, author)
    with pytest.raises(services.DiscussionError, match="at most 5 files"):
        services.post_reply(actor=author, topic=topic, body="Six", files=[pdf(f"{n}.pdf") for n in range(6)])
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(services.DiscussionError, match="too large"):
        services.post_reply(actor=author, topic=topic, body="Big", files=[pdf()])
    assert topic.posts.count() == 1


def test_a_full_disk_loses_the_message_cleanly_and_leaves_no_file(community, monkeypatch):
    author = member_of(community)
    topic = start(community, author)
    saved = []
    original = default_storage.save

    def fills_up(name, content, **kwargs):
        if saved:
            raise OSError(28, "No space left on device")
        saved.append(original(name, content, **kwargs))
        return saved[-1]

    monkeypatch.setattr(default_storage, "save", fills_up)
    with pytest.raises(services.DiscussionError, match="nothing was saved"):
        services.post_reply(actor=author, topic=topic, body="Two files", files=[pdf("a.pdf"), pdf("b.pdf")])
    assert Post.objects.count() == 1 and Attachment.objects.count() == 0
    assert saved and not default_storage.exists(saved[0])


def test_an_edit_adds_and_removes_files_and_removed_files_leave_the_store(
    community, django_capture_on_commit_callbacks
):
    author = member_of(community)
    topic = start(community, author, [pdf("old.pdf")])
    opening = topic.posts.get()
    old = opening.attachments.get()
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            actor=author, post=opening, body=opening.body, files=[pdf("new.pdf")], remove=[old.pk]
        )
    assert [a.name for a in opening.attachments.all()] == ["new.pdf"]
    assert not default_storage.exists(old_name)
    assert opening.revisions.count() == 0  # only the files changed: no text revision
    with pytest.raises(services.DiscussionError, match="at most 5 files"):
        services.post_edit(
            actor=author, post=opening, body=opening.body, files=[pdf(f"{n}.pdf") for n in range(5)]
        )


def test_a_file_is_served_as_a_download_with_its_checked_type(client, community):
    author = member_of(community)
    topic = start(community, author, [pdf()])
    attachment = Attachment.objects.get()
    client.force_login(member_of(community))
    page = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    url = f"/communities/wash/topics/{topic.pk}/attachments/{attachment.pk}/"
    assert url in page and "Well design.pdf" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Well design.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_private_and_hidden_files_stay_with_those_who_may_read_them(client, community):
    author, moderator = member_of(community), member_of(community, Role.MODERATOR)
    topic = start(community, author)
    reply = services.post_reply(actor=author, topic=topic, body="With a file", files=[pdf()])
    url = f"/communities/wash/topics/{topic.pk}/attachments/{reply.attachments.get().pk}/"
    assert client.get(url).status_code == 404  # anonymous, private community
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404  # a member of another community
    services.post_moderate(actor=moderator, post=reply, verb="hide", reason="Unsafe file")
    client.force_login(member_of(community))
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    other = start(community, author)
    wrong_topic = f"/communities/wash/topics/{other.pk}/attachments/{reply.attachments.get().pk}/"
    assert client.get(wrong_topic).status_code == 404


def test_a_refused_upload_keeps_the_text_and_asks_for_the_files_again(client, community):
    author = member_of(community)
    topic = start(community, author)
    client.force_login(author)
    response = client.post(
        f"/communities/wash/topics/{topic.pk}/reply/",
        {"body": "My carefully written answer", "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90")]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "My carefully written answer" in html and "not a kind of file we accept" in html
    assert "choose your files again" in html
    assert Post.objects.count() == 1


def test_files_upload_through_the_new_topic_and_edit_pages(client, community):
    author = member_of(community)
    client.force_login(author)
    response = client.post(
        "/communities/wash/topics/new/",
        {
            "kind": "discussion",
            "title": "Designs",
            "body": "See attached",
            "language": "en",
            "attachments": [pdf("one.pdf"), pdf("two.pdf")],
        },
    )
    assert response.status_code == 302
    opening = Post.objects.get()
    assert sorted(opening.attachments.values_list("name", flat=True)) == ["one.pdf", "two.pdf"]
    edit = f"/communities/wash/topics/{opening.topic_id}/posts/{opening.pk}/edit/"
    form = client.get(edit).content.decode()
    assert "Remove attached files" in form and "one.pdf" in form
    one = opening.attachments.get(name="one.pdf")
    client.post(edit, {"title": "Designs", "body": "See attached", "remove": [str(one.pk)]})
    assert list(opening.attachments.values_list("name", flat=True)) == ["two.pdf"]


def test_a_topic_page_with_many_files_runs_a_constant_number_of_queries(client, community):
    author = member_of(community)
    topic = start(community, author, [pdf()])
    client.force_login(author)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/communities/wash/topics/{topic.pk}/").status_code == 200
        return len(captured)

    services.post_reply(actor=author, topic=topic, body="One", files=[pdf()])
    small = count()
    for n in range(8):
        services.post_reply(actor=author, topic=topic, body=f"More {n}", files=[pdf(), pdf("b.pdf")])
    assert count() == small
