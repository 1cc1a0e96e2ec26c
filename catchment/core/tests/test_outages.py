"""The database going away and the disk filling up (reliability rows 26 and 27), simulated in-process: a
translated 503 or 507 page with Retry-After and no traceback, /healthz unhealthy, the next request after
recovery served without a restart, no row and no partly written file for an upload that failed, and text
messages still posted while the file store is full. The process-level runs (gunicorn workers killed, their
connections terminated) are in tests/reliability and run with `make test-reliability`."""

from __future__ import annotations

import datetime
import errno
import io
import sqlite3
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from catchment.accounts.tests.factories import ProfileFactory, UserFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core import uploads
from catchment.core.tests.test_uploads import pdf_bytes
from catchment.core.views import outage
from catchment.discussions import services as discussions
from catchment.discussions.models import Attachment, Post
from catchment.library.models import Resource

TRACEBACK_MARKERS = ("Traceback", "OperationalError", "InterfaceError", 'File "', "No space left")


@contextmanager
def database_gone(error: Exception | None = None):
    """Every query fails as it does when the server is gone (or its disk is full, for SQLite)."""

    def refuse(execute, sql, params, many, context):
        raise error or OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def assert_friendly(response, status: int) -> str:
    assert response.status_code == status
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for marker in TRACEBACK_MARKERS:
        assert marker not in body
    return body


def old_member(community, **extra):
    return MembershipFactory(
        community=community, role=Role.MEMBER, user__date_joined=timezone.now() - datetime.timedelta(days=30)
    ).user


# The database ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        OperationalError("canceling statement due to statement timeout"),
        OperationalError("database or disk is full"),
        sqlite3.OperationalError("database or disk is full"),
    ],
)
def test_lost_database_errors_are_outages_and_bugs_are_not(error):
    assert outage(error) == "database"
    assert outage(ValueError("a bug")) is None
    wrapped = RuntimeError("while drawing the page")
    wrapped.__cause__ = error
    assert outage(wrapped) == "database"


def test_a_page_answers_a_translated_503_while_the_database_is_gone_and_works_after(db):
    client = Client()
    client.cookies["catchment_language"] = "fr"
    with database_gone():
        response = client.get("/communities/")
    body = assert_friendly(response, 503)
    assert 'lang="fr"' in body and "momentanément indisponible" in body.lower()
    assert client.get("/communities/").status_code == 200


def test_a_signed_in_member_gets_the_503_page_even_when_the_session_cannot_be_read(db):
    member = UserFactory()
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with database_gone():
        response = client.get("/me/profile/")  # the session and the user are read in middleware
    assert_friendly(response, 503)
    assert client.get("/me/profile/").status_code == 200


def test_a_write_while_the_database_is_gone_is_a_503_and_keeps_nothing(db):
    community = CommunityFactory(slug="wash")
    author = old_member(community)
    client = Client(raise_request_exception=False)
    client.force_login(author)
    topic = discussions.topic_create(
        actor=author, community=community, kind="discussion", title="Wells", body="Depth?", language="en"
    )
    with database_gone(OperationalError("database or disk is full")):
        response = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": "Forty metres."})
    assert_friendly(response, 503)
    assert Post.objects.filter(topic=topic).count() == 1
    answer = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": "Forty metres."})
    assert answer.status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2


def test_debug_pages_show_no_traceback_for_an_outage_either(db, settings):
    settings.DEBUG = True
    with database_gone():
        response = Client().get("/communities/")
    assert_friendly(response, 503)


def test_the_api_answers_its_json_error_with_retry_after(db):
    with database_gone():
        response = Client().get("/api/v1/communities/")
    assert_friendly(response, 503)
    assert response.json()["error"]["code"] == "unavailable"


def test_health_reports_the_database_and_recovers(db):
    client = Client()
    with database_gone():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert client.get("/healthz").json()["database"] == "ok"


def test_other_server_errors_stay_a_500_page_without_traceback(db, monkeypatch):
    from catchment.core import views

    def broken():
        raise ValueError("a bug")

    monkeypatch.setattr(views, "_database_status", broken)
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 500
    assert "no-store" in response["Cache-Control"]
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_terminated_postgresql_connection_gives_503_then_the_next_request_reconnects():
    """On PostgreSQL, the server really ends the app's connection in the middle of a request."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test-postgres)")
    import psycopg

    settings_dict = connection.settings_dict
    killed = []

    def terminate_once(execute, sql, params, many, context):
        if not killed:
            pid = connection.connection.info.backend_pid
            with psycopg.connect(
                dbname=settings_dict["NAME"],
                user=settings_dict["USER"],
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or 5432,
                password=settings_dict["PASSWORD"] or None,
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    connection.ensure_connection()
    with connection.execute_wrapper(terminate_once):
        response = client.get("/communities/")
    assert killed
    assert_friendly(response, 503)
    # What the WSGI handler does at the end of every request (the test client leaves it out): a connection
    # that failed is checked (CONN_HEALTH_CHECKS) and dropped, so the next request opens a fresh one.
    close_old_connections()
    assert client.get("/communities/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_slow_postgresql_statement_is_cancelled_and_counted_as_an_outage():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test-postgres)")
    with pytest.raises(OperationalError) as raised, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")
    assert outage(raised.value) == "database"


def test_the_statement_timeout_setting_reaches_postgresql_connections(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "15000")
    try:
        reloaded = importlib.reload(base)
        options = reloaded.DATABASES["default"]["OPTIONS"]
        assert options["options"] == "-c statement_timeout=15000"
        assert options["connect_timeout"] == 5
    finally:
        monkeypatch.undo()
        importlib.reload(base)


# The disk --------------------------------------------------------------------------------------------------


@pytest.fixture
def disk(tmp_path, settings):
    """Uploads on a real directory (Django swaps the default storage when STORAGES changes)."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def full_disk(disk, monkeypatch):
    """Each write puts a few bytes on the disk, then fails with ENOSPC, as a full filesystem does."""
    from django.core.files.storage import filesystem

    real_fdopen = filesystem.os.fdopen

    class Filling(io.RawIOBase):
        def __init__(self, handle):
            self.handle = handle

        def write(self, chunk):
            self.handle.write(chunk[:10])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()

    monkeypatch.setattr(filesystem.os, "fdopen", lambda fd, mode: Filling(real_fdopen(fd, mode)))
    return disk


def files_in(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_full_disk_leaves_no_partly_written_file(full_disk):
    checked = uploads.check_upload(
        SimpleUploadedFile("a.pdf", pdf_bytes()), families={uploads.FileFamily.PDF}, max_bytes=10**6
    )
    with pytest.raises(uploads.StorageUnavailable), uploads.kept_only_on_success() as stored:
        stored.save("library", checked)
    assert files_in(full_disk) == []
    assert outage(uploads.StorageUnavailable("full")) == "storage"
    assert outage(OSError(errno.EDQUOT, "Disk quota exceeded")) == "storage"


def test_a_library_upload_on_a_full_disk_keeps_no_row_and_no_file(full_disk, db):
    member = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=30))
    client = Client()
    client.force_login(member)
    response = client.post(
        "/library/new/",
        {
            "kind": "document",
            "title": "Case study",
            "language": "en",
            "file": SimpleUploadedFile("x.pdf", pdf_bytes()),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "nothing was saved" in body and "Case study" in body
    assert Resource.objects.count() == 0
    assert files_in(full_disk) == []


def test_an_api_upload_on_a_full_disk_is_a_507_to_retry(full_disk, db):
    from catchment.api import services as api_services

    member = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=30))
    _token, secret = api_services.token_create(actor=member, name="uploader", scope="write")
    response = Client().post(
        "/api/v1/resources/",
        {
            "kind": "document",
            "title": "Case study",
            "language": "en",
            "file": SimpleUploadedFile("x.pdf", pdf_bytes()),
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert_friendly(response, 507)
    assert response.json()["error"]["code"] == "insufficient_storage"
    assert Resource.objects.count() == 0 and files_in(full_disk) == []


def png_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_a_picture_on_a_full_disk_is_a_507_page_and_changes_nothing(full_disk, db):
    profile = ProfileFactory(user__display_name="Mia Member", user__language="es")
    client = Client(raise_request_exception=False)
    client.force_login(profile.user)
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Changed name",
            "country": "SN",
            "stakeholder_group": "academia",
            "visibility": "public",
            "timezone": "UTC",
            "language": "es",
            "avatar": png_upload(),
        },
    )
    body = assert_friendly(response, 507)
    assert 'lang="es"' in body
    profile.refresh_from_db()
    profile.user.refresh_from_db()
    assert profile.user.display_name == "Mia Member" and not profile.avatar
    assert files_in(full_disk) == []


def test_text_messages_still_post_while_the_file_store_is_full(full_disk, db):
    community = CommunityFactory(slug="wash")
    author = old_member(community)
    topic = discussions.topic_create(
        actor=author, community=community, kind="discussion", title="Wells", body="Depth?", language="en"
    )
    client = Client()
    client.force_login(author)
    with_file = client.post(
        f"/communities/wash/topics/{topic.pk}/reply/",
        {"body": "See the drawing.", "attachments": SimpleUploadedFile("d.pdf", pdf_bytes())},
    )
    assert "nothing was saved" in with_file.content.decode()
    assert Attachment.objects.count() == 0 and files_in(full_disk) == []
    text = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": "Forty metres."})
    assert text.status_code == 302
    assert list(Post.objects.filter(topic=topic).values_list("body", flat=True).order_by("number")) == [
        "Depth?",
        "Forty metres.",
    ]


def test_a_community_cover_on_a_full_disk_changes_nothing_and_leaves_no_file(full_disk, db):
    from django.core.files.base import ContentFile

    from catchment.communities import services as communities

    community = CommunityFactory(slug="wash")
    convenor = MembershipFactory(community=community, role=Role.CONVENOR).user
    with pytest.raises(uploads.StorageUnavailable):
        communities.community_cover_set(
            actor=convenor, community=community, picture=ContentFile(b"\xff\xd8" * 500)
        )
    community.refresh_from_db()
    assert not community.cover
    assert files_in(full_disk) == []
