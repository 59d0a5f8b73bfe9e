"""Where uploaded media (hero images, avatars) live: `MEDIA_ROOT` on this machine, or an
S3-compatible bucket (django-storages) when `AWS_STORAGE_BUCKET_NAME` is set, so that every app
server reads and writes the same files. The variables are django-storages' own names:
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
Credentials come from boto3's usual chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, an
instance role, …), never from settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3 = "storages.backends.s3.S3Storage"
# Optional settings passed through to S3Storage: (environment variable, option).
S3_OPTIONS = (
    ("AWS_S3_ENDPOINT_URL", "endpoint_url"),  # another S3-compatible service: MinIO, R2, Ceph …
    ("AWS_S3_REGION_NAME", "region_name"),
    ("AWS_S3_CUSTOM_DOMAIN", "custom_domain"),  # media addresses on a CDN in front of the bucket
    ("AWS_DEFAULT_ACL", "default_acl"),  # e.g. public-read, where the bucket has no read policy
)


def media_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """`STORAGES["default"]` for this environment."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return dict(FILE_SYSTEM)
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Readers see every picture: plain, cacheable addresses, not signed ones that expire.
        "querystring_auth": False,
        # A new upload never replaces a file of the same name (it gets a suffix), so a copy a
        # browser or CDN keeps is never wrong.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    for variable, option in S3_OPTIONS:
        if value := environ.get(variable, "").strip():
            options[option] = value
    domain = options.get("custom_domain", "")
    if "://" in domain or "/" in domain:
        raise ImproperlyConfigured(f"AWS_S3_CUSTOM_DOMAIN is a host name (cdn.example.org), not {domain!r}")
    endpoint = urlsplit(options.get("endpoint_url", ""))
    if options.get("endpoint_url") and (endpoint.scheme not in {"http", "https"} or not endpoint.netloc):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL must be an http(s) URL, not {options['endpoint_url']!r}"
        )
    return {"BACKEND": S3, "OPTIONS": options}


def media_origins(storage: Mapping[str, Any]) -> list[str]:
    """The origin media addresses point at, for the Content-Security-Policy's img-src: none when
    media are served from this site."""
    if storage["BACKEND"] != S3:
        return []
    options = storage["OPTIONS"]
    if domain := options.get("custom_domain"):
        return [f"https://{domain}"]
    if endpoint := options.get("endpoint_url"):
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]
    return [f"https://{options['bucket_name']}.s3.amazonaws.com"]  # what boto3 addresses on AWS
