"""Running a community through the API: charters, organisations, requests, invitations, attendance from a
participant export, CSV exports, the archive, insights and library uploads, each with its denial."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catchment.accounts.tests.factories import OrganisationFactory
from catchment.communities.models import Invitation, Membership
from catchment.communities.tests.factories import CharterVersionFactory, jpeg_bytes
from catchment.events.models import Event, Registration
from catchment.library.models import Resource

from .conftest import SENTINEL, bearer, token_for


def admin(hub, community=None):
    return bearer(token_for(hub.convenor, "admin", community or hub.public))


def writer(user):
    return bearer(token_for(user, "write"))


def test_the_charter_and_its_versions_are_read_by_those_who_read_the_community(api, hub):
    CharterVersionFactory(community=hub.public, number=1, purpose="Restore rivers.")
    CharterVersionFactory(community=hub.public, number=2, purpose="Restore rivers together.")
    CharterVersionFactory(community=hub.private, number=1, purpose=f"Secret aims {SENTINEL}")
    assert api.get("/api/v1/communities/rivers/charter/").json()["purpose"] == "Restore rivers together."
    versions = api.get("/api/v1/communities/rivers/charter/versions/").json()["results"]
    assert [version["number"] for version in versions] == [2, 1]
    assert api.get("/api/v1/communities/rivers/charter/versions/1/").json()["purpose"] == "Restore rivers."
    assert api.get("/api/v1/communities/rivers/charter/versions/9/").status_code == 404
    assert api.get("/api/v1/communities/cwp/charter/").status_code == 404
    inside = writer(hub.private_member).get("/api/v1/communities/cwp/charter/")
    assert inside.status_code == 200 and SENTINEL in inside.json()["purpose"]


def test_organisations_are_listed_and_read(api, hub):
    OrganisationFactory(slug="gwp-kenya", name="Kenya Water Partnership", country="KE")
    listed = api.get("/api/v1/organisations/?country=KE").json()["results"]
    assert [organisation["slug"] for organisation in listed] == ["gwp-kenya"]
    assert api.get("/api/v1/organisations/gwp-kenya/").json()["name"] == "Kenya Water Partnership"
    assert api.get("/api/v1/organisations/nowhere/").status_code == 404


def test_moderators_decide_join_requests_with_an_admin_token(hub, django_capture_on_commit_callbacks):
    writer(hub.outsider).post("/api/v1/communities/cwp/requests/", {"message": "I run a CWP"}, format="json")
    pending = admin(hub, hub.private).get("/api/v1/communities/cwp/requests/pending/").json()["results"]
    assert [item["person"]["username"] for item in pending] == [hub.outsider.username]
    assert writer(hub.private_member).get("/api/v1/communities/cwp/requests/pending/").status_code == 404
    assert writer(hub.convenor).get("/api/v1/communities/cwp/requests/pending/").status_code == 403
    url = f"/api/v1/communities/cwp/requests/{pending[0]['id']}/decision/"
    assert writer(hub.outsider).post(url, {"approve": True}, format="json").status_code == 404
    assert not Membership.objects.filter(community=hub.private, user=hub.outsider).exists()
    with django_capture_on_commit_callbacks(execute=True):
        decided = admin(hub, hub.private).post(url, {"approve": True, "message": "Welcome"}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert Membership.objects.filter(community=hub.private, user=hub.outsider).exists()
    assert admin(hub, hub.private).post(url, {"approve": False}, format="json").status_code == 404


def test_moderators_invite_by_email_and_outsiders_cannot(hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = admin(hub).post(
            "/api/v1/communities/rivers/invitations/",
            {"email": "Ana@Example.org", "role": "moderator", "message": "Join us"},
            format="json",
        )
    assert sent.status_code == 201 and sent.json()["email"] == "ana@example.org"
    assert "token" not in json.dumps(sent.json()).lower()
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    waiting = admin(hub).get("/api/v1/communities/rivers/invitations/").json()["results"]
    assert [item["email"] for item in waiting] == ["ana@example.org"]
    again = admin(hub).post(
        "/api/v1/communities/rivers/invitations/", {"email": "ana@example.org"}, format="json"
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "rejected"
    refused = writer(hub.member).post(
        "/api/v1/communities/rivers/invitations/", {"email": "x@example.org"}, format="json"
    )
    assert refused.status_code == 404
    assert Invitation.objects.count() == 1


def test_members_come_as_csv_with_addresses_for_moderators_only(hub):
    response = admin(hub).get("/api/v1/communities/rivers/members.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["username", "name", "email", "role", "organisation", "country", "joined_at"]
    assert {row[2] for row in rows[1:]} == {hub.convenor.email, hub.member.email}
    assert writer(hub.member).get("/api/v1/communities/rivers/members.csv").status_code == 404


def test_the_archive_holds_the_community_and_nothing_of_another(hub):
    discussions_reply = writer(hub.member).post(
        f"/api/v1/communities/rivers/topics/{hub.topic.pk}/posts/", {"body": "Archived reply"}, format="json"
    )
    assert discussions_reply.status_code == 201
    response = admin(hub).get("/api/v1/communities/rivers/archive.json")
    assert response.status_code == 200
    archive = json.loads(b"".join(response.streaming_content))
    assert archive["format"] == "catchment-community-archive/1"
    assert archive["community"]["slug"] == "rivers"
    assert [post["body"] for post in archive["posts"]] == ["Who has tried it?", "Archived reply"]
    assert {member["email"] for member in archive["members"]} == {hub.convenor.email, hub.member.email}
    assert [event["title"] for event in archive["events"]] == ["Nature-based solutions webinar"]
    assert SENTINEL not in json.dumps(archive)
    assert writer(hub.member).get("/api/v1/communities/rivers/archive.json").status_code == 404
    assert admin(hub).get("/api/v1/communities/cwp/archive.json").status_code == 403


def test_insights_are_for_those_who_see_the_dashboards(hub):
    from catchment.insights import services as insights

    insights.compute_community(hub.public)
    assert (
        bearer(token_for(hub.convenor, "read")).get("/api/v1/communities/rivers/insights/").status_code == 403
    )
    data = admin(hub).get("/api/v1/communities/rivers/insights/").json()
    assert data["levels"]["figures"]["counts"]
    assert "summary" in data["network"]["figures"]
    assert [cycle["cycle"] for cycle in data["value"]["cycles"]] == [1, 2, 3, 4, 5]
    assert writer(hub.member).get("/api/v1/communities/rivers/insights/").status_code == 404


def _started(event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_attendance_is_marked_from_a_participant_export_matched_by_email(hub):
    for person in (hub.member, hub.convenor):
        writer(person).post(f"/api/v1/events/{hub.event.pk}/registration/", {"language": "en"}, format="json")
    _started(hub.event)
    export = (
        "Name (Original Name),User Email,Join Time,Duration (Minutes)\n"
        f"Mia,{hub.member.email.upper()},05/27/2031 02:00:00 PM,60\n"
        "Stranger,stranger@example.org,05/27/2031 02:00:00 PM,30\n"
    ).encode()
    upload = SimpleUploadedFile("participants.csv", export, content_type="text/csv")
    response = admin(hub).post(
        f"/api/v1/events/{hub.event.pk}/attendance/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "marked": 1,
        "not_registered": ["stranger@example.org"],
        "rows": 2,
        "without_email": 0,
    }
    assert Registration.objects.get(event=hub.event, user=hub.member).attended is True
    assert Registration.objects.get(event=hub.event, user=hub.convenor).attended is None
    exported = admin(hub).get(f"/api/v1/events/{hub.event.pk}/registrations.csv").content.decode("utf-8-sig")
    assert f"{hub.member.email}" in exported and ",yes" in exported


def test_a_bad_participant_file_is_refused_with_the_reason_and_changes_nothing(hub):
    writer(hub.member).post(f"/api/v1/events/{hub.event.pk}/registration/", {"language": "en"}, format="json")
    _started(hub.event)
    upload = SimpleUploadedFile("photo.csv", b"name,duration\nMia,60\n", content_type="text/csv")
    response = admin(hub).post(
        f"/api/v1/events/{hub.event.pk}/attendance/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]["file"][0]
    assert Registration.objects.get(event=hub.event, user=hub.member).attended is None
    member_upload = SimpleUploadedFile("p.csv", b"email\nx@example.org\n", content_type="text/csv")
    denied = writer(hub.member).post(
        f"/api/v1/events/{hub.event.pk}/attendance/", {"file": member_upload}, format="multipart"
    )
    assert denied.status_code == 404


def test_members_add_resources_with_a_file_or_a_link_and_bad_files_are_refused(hub):
    client = writer(hub.member)
    linked = client.post(
        "/api/v1/resources/",
        {
            "community": "rivers",
            "kind": "link",
            "title": "River toolkit",
            "language": "en",
            "link": "https://example.org/kit",
        },
        format="json",
    )
    assert linked.status_code == 201, linked.json()
    picture = SimpleUploadedFile("map.jpg", jpeg_bytes(), content_type="image/jpeg")
    uploaded = client.post(
        "/api/v1/resources/",
        {"community": "rivers", "kind": "document", "title": "Basin map", "language": "en", "file": picture},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["content_type"] == "image/jpeg"
    lying = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(
        "/api/v1/resources/",
        {"community": "rivers", "kind": "document", "title": "Report", "language": "en", "file": lying},
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "rejected"
    outside = writer(hub.outsider).post(
        "/api/v1/resources/",
        {"community": "cwp", "kind": "link", "title": "x", "language": "en", "link": "https://e.org"},
        format="json",
    )
    assert outside.status_code == 404
    assert sorted(Resource.objects.filter(community=hub.public).values_list("title", flat=True)) == [
        "Basin map",
        "River toolkit",
    ]


def _stored_files(storage, folder=""):
    directories, files = storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for directory in directories:
        found |= _stored_files(storage, f"{folder}/{directory}".lstrip("/"))
    return found


def test_refused_uploads_leave_no_file_behind_and_the_size_limit_is_exact(hub, settings):
    """reliability.md #9: the hostile files of the table, each refused with 400 through the API, leave no
    file in storage and no row; a file of exactly LIBRARY_MAX_BYTES is accepted, one byte more is refused."""
    from django.core.files.storage import default_storage

    from catchment.communities.tests.factories import jpeg_bytes as picture

    limit = 4000
    settings.LIBRARY_MAX_BYTES = limit
    head, tail = b"%PDF-1.4\n1 0 obj<<>>endobj\n", b"\ntrailer<<>>\n%%EOF\n"

    def pdf_of(size):
        return head + b" " * (size - len(head) - len(tail)) + tail

    hostile = {
        "x.html": b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
        "x.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "x.png": b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>",
        "x.jpg": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run in DOS mode",
        "../../x.png": picture()[:50],
        "empty.pdf": b"",
        "one-byte-over.pdf": pdf_of(limit + 1),
    }
    client = writer(hub.member)
    before_files = _stored_files(default_storage)
    before_rows = Resource.objects.count()
    statuses = {}
    for name, content in hostile.items():
        upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
        response = client.post(
            "/api/v1/resources/",
            {"community": "rivers", "kind": "document", "title": name, "language": "en", "file": upload},
            format="multipart",
        )
        statuses[name] = response.status_code
    assert set(statuses.values()) == {400}, statuses
    assert _stored_files(default_storage) == before_files  # 0 orphan files
    assert Resource.objects.count() == before_rows
    exact = SimpleUploadedFile("exact.pdf", pdf_of(limit), content_type="application/pdf")
    accepted = client.post(
        "/api/v1/resources/",
        {"community": "rivers", "kind": "document", "title": "Exact", "language": "en", "file": exact},
        format="multipart",
    )
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["size"] == limit
    assert len(_stored_files(default_storage) - before_files) == 1
    print(f"uploads: {len(hostile)} refused, 0 orphan files; largest accepted {limit} bytes of {limit}")
