"""Secure by default: CSP, login throttling, CSRF, validated uploads."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from newsroom.uploads import MAX_UPLOAD_BYTES, validate_image_upload
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def png(width: int = 4, height: int = 4) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("hero.png", buffer.getvalue(), content_type="image/png")


def test_pages_carry_a_strict_content_security_policy(client):
    article = ArticleFactory()
    for url in ["/", article.get_absolute_url(), "/admin/login/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_admin_login_is_throttled_after_repeated_failures(client, admin_user, settings):
    login = {"username": admin_user.username, "password": "wrong", "next": "/admin/"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/admin/login/", login).status_code == 200  # the form again, with an error
    assert client.post("/admin/login/", login).status_code == 429  # the last allowed failure locks
    right = {**login, "password": "password"}  # pytest-django's admin_user password
    locked = client.post("/admin/login/", right)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_many_usernames_tried_from_one_address_are_locked_out(client, admin_user, settings):
    """Credential stuffing: each username fails once, the address is stopped all the same."""
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        attempt = client.post("/admin/login/", {"username": f"guess{n}", "password": "wrong"})
        assert attempt.status_code == 200, n
    locked = client.post("/admin/login/", {"username": "guess-last", "password": "wrong"})
    assert locked.status_code == 429
    right = client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Too many failed sign-ins" in page and "try again in 60 minutes" in page
    # Another address is not stopped by this one's failures.
    other = client.post(
        "/admin/login/", {"username": admin_user.username, "password": "password"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_thirty_usernames_from_one_address_get_no_further_than_the_limit(client, settings):
    statuses = [
        client.post("/admin/login/", {"username": f"user{n}", "password": "x"}).status_code for n in range(30)
    ]
    assert statuses.index(429) == settings.AXES_ADDRESS_FAILURE_LIMIT - 1
    assert set(statuses[settings.AXES_ADDRESS_FAILURE_LIMIT - 1 :]) == {429}


def test_a_correct_login_works_before_any_lockout(client, admin_user):
    response = client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert response.status_code == 302


def test_admin_forms_require_a_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post("/admin/articles/section/add/", {"name": "X", "slug": "x"}).status_code == 403


def test_a_real_image_upload_is_accepted():
    validate_image_upload(png())


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        SimpleUploadedFile("x.png", b"not an image at all"),
        SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a PNG header and nothing else
        SimpleUploadedFile("big.png", b"0" * (MAX_UPLOAD_BYTES + 1)),
    ],
    ids=["svg", "text", "truncated-png", "too-big"],
)
def test_bad_uploads_are_refused(upload):
    with pytest.raises(ValidationError):
        validate_image_upload(upload)


def test_an_image_with_too_many_pixels_is_refused():
    with pytest.raises(ValidationError):
        validate_image_upload(png(10_000, 5_000))
