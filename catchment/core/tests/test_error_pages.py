import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(
    ("template", "french"),
    [
        ("400.html", "Nous n"),
        ("403.html", "autorisé"),
        ("404.html", "page"),
        ("500.html", "problème"),
        ("429.html", "tentatives"),
        ("errors/csrf.html", "formulaire"),
    ],
)
def test_error_pages_are_translated(template, french):
    with translation.override("en"):
        english = render_to_string(template)
    with translation.override("fr"):
        translated = render_to_string(template)
    assert english != translated
    assert french in translated
    assert 'lang="fr"' in translated


def test_unknown_page_is_a_translated_404(client, db):
    client.cookies["catchment_language"] = "es"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert 'lang="es"' in response.content.decode()


def test_expired_form_token_gives_a_translated_403_not_a_crash(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["catchment_language"] = "ru"
    response = client.post("/i18n/language/", {"language": "fr"})
    assert response.status_code == 403
    assert 'lang="ru"' in response.content.decode()


def test_an_oversized_request_body_is_a_400_page_not_a_500(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/i18n/language/", {"language": "fr", "next": "x" * 5000})
    assert response.status_code == 400


def test_malformed_multipart_body_is_a_400(member_client):
    response = member_client.post(
        "/me/profile/",
        data=b"--broken\r\nnot really multipart",
        content_type="multipart/form-data; boundary=zzz",
    )
    assert response.status_code in {200, 400}
