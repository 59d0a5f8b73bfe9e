"""Media on S3-compatible storage when a bucket is named: settings from the environment, and a round
trip through django-storages against a real S3 HTTP server on loopback (moto's server mode)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from moto.server import ThreadedMotoServer

from newsroom.media_storage import media_origins, media_storage
from tests.factories import ArticleFactory, ImageFactory, png_upload
from tests.test_settings_env import PRODUCTION_ENV, run_manage

BUCKET = "newsroom-media"


def test_media_stay_on_this_machine_unless_a_bucket_is_named():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({"AWS_STORAGE_BUCKET_NAME": "  "})["BACKEND"].endswith("FileSystemStorage")
    assert media_origins(media_storage({})) == []


def test_a_bucket_gets_public_lasting_addresses_and_its_origin_in_the_csp():
    storage = media_storage({"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "eu-west-1"})
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["region_name"]) == (BUCKET, "eu-west-1")
    assert options["querystring_auth"] is False and options["file_overwrite"] is False
    assert media_origins(storage) == [f"https://{BUCKET}.s3.amazonaws.com"]

    on_cdn = media_storage({"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_CUSTOM_DOMAIN": "media.example.org"})
    assert media_origins(on_cdn) == ["https://media.example.org"]
    elsewhere = media_storage(
        {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": "http://minio:9000/"}
    )
    assert media_origins(elsewhere) == ["http://minio:9000"]


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_S3_CUSTOM_DOMAIN": "https://media.example.org"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.example.org/images"},
        {"AWS_S3_ENDPOINT_URL": "minio:9000"},
        {"AWS_S3_ENDPOINT_URL": "ftp://minio:9000"},
    ],
)
def test_a_mistyped_address_is_a_clear_error(variables):
    with pytest.raises(ImproperlyConfigured, match="AWS_S3_"):
        media_storage({"AWS_STORAGE_BUCKET_NAME": BUCKET, **variables})


def test_production_settings_read_the_bucket_from_the_environment():
    env = {**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_CUSTOM_DOMAIN": "media.example.org"}
    probe = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], *s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    result = run_manage("shell", "-v", "0", "-c", probe, env=env)
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "'self'",
        "data:",
        "https://media.example.org",
    ], result.stderr
    deploy = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


@pytest.fixture
def s3_endpoint(monkeypatch) -> Iterator[str]:
    """A real S3 HTTP server on loopback with an empty media bucket."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.mark.django_db
def test_an_uploaded_picture_goes_to_the_bucket_and_readers_load_it_from_there(client, s3_endpoint):
    environ = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_DEFAULT_ACL": "public-read",
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": media_storage(environ)}):
        first = ImageFactory(file=png_upload("harbour.png"), alt_text="The harbour at dawn")
        second = ImageFactory(file=png_upload("harbour.png"))
        article = ArticleFactory(hero_image=first)
        page = client.get(article.get_absolute_url()).content.decode()

    bucket = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {first.file.name, second.file.name}  # the second upload did not replace the first
    assert first.file.name != second.file.name
    assert (first.width, first.height) == (32, 18)  # read from the upload by Pillow, as on disk
    stored = bucket.head_object(Bucket=BUCKET, Key=first.file.name)
    assert stored["CacheControl"] == "public, max-age=86400"

    url = f"{s3_endpoint}/{BUCKET}/{first.file.name}"
    assert f'<img src="{url}" alt="The harbour at dawn"' in page
    with urllib.request.urlopen(url) as response:  # a reader's browser: no credentials
        assert response.read().startswith(b"\x89PNG")
