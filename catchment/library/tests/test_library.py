"""The library: adding resources of each kind, files judged by their content, private files kept private,
downloads counted, versions and translations linked, filters, search and constant queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.accounts.tests.factories import ThemeFactory, UserFactory
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory, jpeg_bytes
from catchment.core.tests.test_uploads import docx_bytes, pdf_bytes, zip_bytes
from catchment.library import services
from catchment.library.models import Download, Resource
from catchment.library.services import ResourceData


def data(**extra):
    extra.setdefault("kind", "document")
    extra.setdefault("title", "Multi-stakeholder partnership sourcebook")
    extra.setdefault("language", "en")
    return ResourceData(**extra)


def pdf(name="sourcebook.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def private(db):
    return CommunityFactory(slug="cwp", name="CoP for Country Water Partnerships", visibility="private")


def add(actor, community=None, upload=None, **extra):
    return services.resource_create(
        actor=actor, community=community, data=data(**extra), upload=upload or pdf()
    )


def test_a_document_is_stored_under_a_random_name_with_its_checked_type(db):
    member = UserFactory()
    resource = add(member, upload=SimpleUploadedFile("minutes.bin", docx_bytes()), title="Minutes")
    assert resource.file_name == "minutes.docx"
    assert resource.content_type.endswith("wordprocessingml.document")
    assert resource.file.name.startswith("library/") and "minutes" not in resource.file.name
    assert resource.size == len(docx_bytes()) and len(resource.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a kind of file we accept"),
        ("notes.txt", b"Plain words", "not a kind of file we accept"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a kind of file we accept"),
        ("bomb.docx", None, "expands to far more"),
    ],
)
def test_files_that_lie_about_their_type_or_explode_are_refused_and_nothing_is_kept(
    db, name, content, message
):
    if content is None:
        content = zip_bytes({"[Content_Types].xml": "<T/>", "word/document.xml": b"0" * (20 * 1024 * 1024)})
    with pytest.raises(services.LibraryError, match=message):
        add(UserFactory(), upload=SimpleUploadedFile(name, content))
    assert Resource.objects.count() == 0


def test_an_oversize_upload_is_refused_with_the_limit(db, settings):
    settings.LIBRARY_MAX_BYTES = 20
    with pytest.raises(services.LibraryError, match="too large"):
        add(UserFactory())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": "link", "url": ""}, "web address of the link"),
        ({"kind": "video", "url": "javascript:alert(1)"}, "starts with https://"),
        ({"kind": "tool", "url": "", "upload": None}, "Upload a file or give a web address"),
        ({"year": 1066}, "between 1900 and"),
        ({"title": "   "}, "title"),
        ({"language": "xx"}, "language"),
        ({"kind": "poem"}, "what kind"),
        ({"licence": "mine-all-mine"}, "licence"),
    ],
)
def test_bad_details_are_refused_with_a_reason(db, extra, message):
    upload = extra.pop("upload", pdf())
    with pytest.raises(services.LibraryError, match=message):
        services.resource_create(actor=UserFactory(), community=None, data=data(**extra), upload=upload)
    assert Resource.objects.count() == 0


def test_links_and_videos_need_no_file(db):
    resource = services.resource_create(
        actor=UserFactory(),
        community=None,
        data=data(kind="video", url="https://video.example.org/launch", title="Launch recording"),
    )
    assert resource.url == "https://video.example.org/launch" and not resource.file


def test_only_members_add_to_a_community_library_and_only_while_it_runs(db, private):
    with pytest.raises(PermissionDenied):
        add(UserFactory(), private)
    member = MembershipFactory(community=private).user
    add(member, private)
    private.stage = "archived"
    private.save()
    with pytest.raises(PermissionDenied):
        add(member, private)


def test_a_private_communitys_file_is_downloaded_only_by_its_members_and_counted(client, private):
    member = MembershipFactory(community=private).user
    resource = add(member, private, title="Country partnership survey")
    url = f"/library/{resource.pk}/download/"
    assert client.get(url).status_code == 404
    assert client.get(f"/library/{resource.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert "Country partnership survey" not in client.get("/library/").content.decode()
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sourcebook.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert Download.objects.get().user == member


def test_hidden_resources_stay_with_the_moderators(client, private):
    member = MembershipFactory(community=private).user
    moderator = MembershipFactory(community=private, role=Role.MODERATOR).user
    resource = add(member, private, title="Advert disguised as a report")
    with pytest.raises(PermissionDenied):
        services.resource_moderate(actor=member, resource=resource, action="hide")
    services.resource_moderate(actor=moderator, resource=resource, action="hide")
    client.force_login(member)
    assert client.get(f"/library/{resource.pk}/").status_code == 404
    assert "Advert disguised" not in client.get("/communities/cwp/library/").content.decode()
    client.force_login(moderator)
    assert client.get(f"/library/{resource.pk}/").status_code == 200
    assert "Advert disguised" in client.get("/communities/cwp/library/").content.decode()
    with pytest.raises(services.LibraryError):
        services.resource_moderate(actor=moderator, resource=resource, action="explode")


def test_featuring_in_the_hub_library_is_for_the_hub_team(client, db):
    resource = add(UserFactory(), title="Toolbox")
    with pytest.raises(PermissionDenied):
        services.resource_moderate(actor=UserFactory(), resource=resource, action="feature")
    services.resource_moderate(actor=UserFactory(is_staff=True), resource=resource, action="feature")
    page = client.get("/library/").content.decode()
    assert "Featured" in page and "Toolbox" in page


def test_versions_and_translations_link_both_ways(client, db):
    author = UserFactory()
    first = add(author, title="Sourcebook 2022", year=2022)
    second = add(author, title="Sourcebook 2023", year=2023, previous_version_id=first.pk)
    spanish = add(author, title="Manual de alianzas", language="es", original_id=second.pk)
    page = client.get(f"/library/{second.pk}/").content.decode()
    assert "Sourcebook 2022" in page and "Manual de alianzas" in page
    assert "Sourcebook 2023" in client.get(f"/library/{first.pk}/").content.decode()
    assert "Sourcebook 2023" in client.get(f"/library/{spanish.pk}/").content.decode()
    with pytest.raises(services.LibraryError, match="later version"):
        services.resource_update(actor=author, resource=first, data=data(previous_version_id=second.pk))
    with pytest.raises(services.LibraryError, match="own"):
        services.resource_update(actor=author, resource=first, data=data(original_id=first.pk))
    with pytest.raises(services.LibraryError, match="no resource number"):
        add(author, original_id=999_999)


def test_a_private_resource_cannot_be_named_as_a_translation_by_an_outsider(db, private):
    hidden = add(MembershipFactory(community=private).user, private)
    with pytest.raises(services.LibraryError, match="no resource number"):
        add(UserFactory(), original_id=hidden.pk)


def test_editing_replaces_the_file_and_the_old_one_leaves_the_store(db, django_capture_on_commit_callbacks):
    author = UserFactory()
    resource = add(author)
    old = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_update(
            actor=author,
            resource=resource,
            data=data(title="Sourcebook, second edition"),
            upload=pdf("second.pdf"),
            cover=SimpleUploadedFile("cover.png", jpeg_bytes((900, 900))),
        )
    resource.refresh_from_db()
    assert resource.file_name == "second.pdf" and not default_storage.exists(old)
    assert resource.cover.name.startswith("covers/")
    with pytest.raises(PermissionDenied):
        services.resource_update(actor=UserFactory(), resource=resource, data=data())


def test_the_filters_narrow_the_list(client, db):
    member = UserFactory()
    drought = ThemeFactory(slug="drought")
    tool = add(member, kind="tool", title="Drought toolkit", year=2021, language="fr", themes=[drought])
    add(member, kind="publication", title="River atlas", year=2019)
    for query, shown, hidden in (
        ("?kind=tool", "Drought toolkit", "River atlas"),
        ("?theme=drought", "Drought toolkit", "River atlas"),
        ("?language=fr", "Drought toolkit", "River atlas"),
        ("?year=2019", "River atlas", "Drought toolkit"),
    ):
        page = client.get("/library/" + query).content.decode()
        assert shown in page and hidden not in page, query
    assert client.get("/library/?year=banana&kind=<script>").status_code == 200
    assert tool.pk


def test_search_finds_a_private_resource_only_for_members(client, private):
    member = MembershipFactory(community=private).user
    add(member, private, title="Groundwater recharge handbook", summary="Managed aquifer recharge.")
    client.force_login(member)
    assert "Groundwater recharge handbook" in client.get("/search/?q=aquifer").content.decode()
    client.force_login(UserFactory())
    assert "Groundwater recharge handbook" not in client.get("/search/?q=aquifer").content.decode()


def test_the_pages_add_and_keep_what_was_written(client, db):
    member = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=30))
    client.force_login(member)
    response = client.post(
        "/library/new/",
        {
            "kind": "document",
            "title": "Case study",
            "language": "en",
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Case study" in html and "not a kind of file we accept" in html and "choose your files again" in html
    )
    response = client.post(
        "/library/new/", {"kind": "document", "title": "Case study", "language": "en", "file": pdf()}
    )
    resource = Resource.objects.get()
    assert response["Location"] == f"/library/{resource.pk}/"
    edit = client.post(
        f"/library/{resource.pk}/edit/", {"kind": "document", "title": "Case study (final)", "language": "en"}
    )
    assert edit.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Case study (final)" and resource.file_name == "sourcebook.pdf"


@pytest.mark.parametrize("path", ["/library/", "/communities/cwp/library/", "/library/{pk}/"])
def test_library_pages_run_a_constant_number_of_queries(client, private, path):
    member = MembershipFactory(community=private).user
    themes = [ThemeFactory(slug=f"t{n}") for n in range(3)]
    first = add(member, private, themes=themes)
    client.force_login(member)

    def grow(n):
        for index in range(n):
            add(member, private, themes=themes[: index % 3], original_id=first.pk, year=2000 + index)
            add(
                member,
                None,
                kind="link",
                url="https://example.org",
                upload=None,
                previous_version_id=first.pk,
            )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path.format(pk=first.pk)).status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    assert count() == small


def test_nobody_links_their_file_as_a_version_or_translation_of_someone_elses(db):
    official = add(UserFactory(is_staff=True), title="Official guide 2027")
    stranger = UserFactory()
    for field in ("previous_version_id", "original_id"):
        with pytest.raises(services.LibraryError, match="Only the people who may edit"):
            add(stranger, kind="link", url="https://evil.example/guide", upload=None, **{field: official.pk})
    assert Resource.objects.count() == 1
