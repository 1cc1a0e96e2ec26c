import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from catchment.accounts.models import Organisation, ProfileVisibility
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, ThemeFactory


def png(size=(300, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def profile_form(**overrides):
    data = {
        "display_name": "Amina Diallo",
        "position": "Hydrologist",
        "organisation": "",
        "country": "SN",
        "stakeholder_group": "academia",
        "languages": ["fr", "wo"],
        "bio": "Working on **groundwater**.",
        "visibility": "public",
        "timezone": "Africa/Dakar",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_home_shows_live_counts(client, db):
    ProfileFactory(country="KE")
    ProfileFactory(country="PE")
    OrganisationFactory()
    response = client.get("/")
    assert response.status_code == 200
    assert re.search(r"2 professionals\s+from 2 countries", response.content.decode())
    assert "1 organisation" in response.content.decode()


def test_member_fills_the_profile_and_sees_it(member_client, member):
    theme = ThemeFactory(name_en="Groundwater")
    response = member_client.post("/me/profile/", profile_form(themes=[theme.pk], avatar=png()))
    assert response.status_code == 302
    page = member_client.get(f"/members/{member.username}/").content.decode()
    assert "Amina Diallo" in page
    assert "<strong>groundwater</strong>" in page
    assert "Senegal" in page
    assert "Groundwater" in page
    picture = member_client.get(f"/members/{member.username}/picture")
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    assert picture["X-Content-Type-Options"] == "nosniff"


def test_fake_image_gives_a_field_error_and_saves_nothing(member_client, member):
    fake = SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = member_client.post("/me/profile/", profile_form(display_name="Changed", avatar=fake))
    assert response.status_code == 200
    assert "not a picture we can read" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member"
    assert not member.profile.avatar


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "ZZ"),
        ("timezone", "Mars/Olympus"),
        ("language", "de"),
        ("visibility", "everyone"),
        ("organisation", "99999"),
        ("themes", "abc"),
        ("languages", "klingon"),
    ],
)
def test_malformed_profile_values_give_errors_not_500(member_client, member, field, value):
    response = member_client.post("/me/profile/", profile_form(**{field: value}))
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


def test_profile_errors_are_shown_in_the_members_language(member_client, member):
    member.language = "fr"
    member.save()
    response = member_client.post("/me/profile/", profile_form(display_name="", language="fr"))
    assert "Ce champ est obligatoire" in response.content.decode()


def test_members_only_profile_is_404_for_anonymous_and_its_picture_too(client, db):
    hidden = ProfileFactory(visibility=ProfileVisibility.MEMBERS, avatar="avatars/x.jpg")
    assert client.get(f"/members/{hidden.user.username}/").status_code == 404
    assert client.get(f"/members/{hidden.user.username}/picture").status_code == 404


def test_directory_lists_filters_and_paginates(client, db):
    for number in range(30):
        ProfileFactory(user__display_name=f"Person {number:02d}", country="KE" if number % 2 else "PE")
    first = client.get("/members/").content.decode()
    assert "Person 00" in first
    assert "Page 1 of 2" in first
    second = client.get("/members/?page=2").content.decode()
    assert "Person 29" in second
    kenya = client.get("/members/?country=KE").content.decode()
    assert "Person 01" in kenya
    assert "Person 00" not in kenya


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=99999999999999",
        "?page=-1",
        "?country=ZZ",
        "?language=%00",
        "?theme=nope",
        "?group=alien",
        "?q=" + "x" * 500,
        "?q=%F0%9F%92%A7",
        "?q=%ff",
    ],
)
def test_directory_survives_malformed_queries(client, db, query):
    response = client.get("/members/" + query)
    assert response.status_code == 200


def test_directory_map_and_csv_count_members_per_country(client, db):
    ProfileFactory(country="KE")
    ProfileFactory(country="KE")
    ProfileFactory(country="PE")
    svg = client.get("/members/map.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "Kenya: 2" in svg.content.decode()
    csv_response = client.get("/members/countries.csv")
    assert csv_response["Content-Disposition"].startswith("attachment")
    lines = csv_response.content.decode().strip().splitlines()
    assert lines == ["country_code,country,members", "KE,Kenya,2", "PE,Peru,1"]


def test_organisation_admin_edits_the_page_and_others_get_404(member_client, member, db):
    organisation = OrganisationFactory(name="Zambia Water Partnership", slug="zwp")
    assert member_client.get("/organisations/zwp/edit/").status_code == 404
    organisation.admins.add(member)
    response = member_client.post(
        "/organisations/zwp/edit/",
        {
            "name": "Zambia Water Partnership",
            "type": "country_partnership",
            "country": "ZM",
            "website": "zwp.example.org",
            "description": "Hello",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.website == "https://zwp.example.org"
    assert Client().get("/organisations/zwp/edit/").status_code == 302  # anonymous: sent to sign in


def test_duplicate_organisation_name_is_a_field_error(member_client, db):
    OrganisationFactory(name="Ghana Water Partnership")
    response = member_client.post(
        "/organisations/new/", {"name": "ghana water partnership", "type": "country_partnership"}
    )
    assert response.status_code == 200
    assert "already in the hub" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_staff_verify_an_organisation(client, staff, db):
    OrganisationFactory(slug="ghana")
    client.force_login(staff)
    assert client.post("/organisations/ghana/verify/", {"verified": "1"}).status_code == 302
    assert Organisation.objects.get(slug="ghana").is_verified


def test_language_switch_is_remembered_on_the_account(member_client, member):
    response = member_client.post("/i18n/language/", {"language": "ru", "next": "/members/"})
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    member.refresh_from_db()
    assert member.language == "ru"
    page = member_client.get("/members/").content.decode()
    assert 'lang="ru"' in page
    assert "Участники" in page or "Каталог участников" in page


def test_unknown_language_gives_a_message_and_changes_nothing(member_client, member):
    response = member_client.post("/i18n/language/", {"language": "xx", "next": "/"}, follow=True)
    assert "not available" in response.content.decode()
    member.refresh_from_db()
    assert member.language == "en"


def test_language_switch_never_redirects_off_site(client, db):
    response = client.post("/i18n/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["catchment_language"].value == "es"


def test_anonymous_language_choice_comes_from_the_cookie(client, db):
    client.cookies["catchment_language"] = "fr"
    page = client.get("/").content.decode()
    assert 'lang="fr"' in page


def test_times_are_shown_in_the_members_time_zone(member_client, member):
    member.timezone = "Asia/Kathmandu"
    member.save()
    response = member_client.get("/")
    assert response.context["TIME_ZONE"] == "Asia/Kathmandu"


def test_markdown_in_bio_cannot_inject_script(member_client, member):
    member_client.post("/me/profile/", profile_form(bio="<script>alert(1)</script>[x](javascript:alert(1))"))
    page = member_client.get(f"/members/{member.username}/").content.decode()
    assert "<script>alert(1)" not in page
    assert not re.search(r'href="javascript:', page)


def test_numbers_on_the_home_page_are_localised(client, db, monkeypatch):
    from catchment.accounts import selectors

    monkeypatch.setattr(
        selectors, "hub_counts", lambda: selectors.HubCounts(members=12345, countries=150, organisations=2)
    )
    english = client.get("/").content.decode()
    assert "12,345 professionals" in english
    client.cookies["catchment_language"] = "fr"
    french = client.get("/").content.decode()
    assert re.search(r"12\s345 professionnels", french)
    client.cookies["catchment_language"] = "ru"
    russian = client.get("/").content.decode()
    assert re.search(r"12\s345 специалистов\s+из 150 стран", russian)


@given(
    params=st.dictionaries(
        st.sampled_from(["q", "country", "group", "theme", "language", "page", "type"]),
        st.text(max_size=40),
        max_size=5,
    )
)
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_directory_and_organisations_never_fail_on_any_query(client, db, params):
    for url in ("/members/", "/members/map.svg", "/members/countries.csv", "/organisations/"):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)


def test_an_account_made_without_the_sign_up_form_gets_its_profile_on_first_visit(client, db):
    from catchment.accounts.models import Profile
    from catchment.accounts.tests.factories import UserFactory

    user = UserFactory()  # like createsuperuser: no profile yet
    client.force_login(user)
    assert client.get("/me/profile/").status_code == 200
    assert Profile.objects.filter(user=user).exists()
