"""The CDN story, exercised: Varnish (Debian's package), a real shared HTTP cache with the caching
rules CDNs follow, in front of the live server. It must keep public pages and answer revalidations
itself, never keep what a signed-in editor saw, and bring a correction to readers once the copy's
s-maxage runs out, while serving the stale copy meanwhile. Without /usr/sbin/varnishd the tests
are skipped with a message, unless `CI` is set, when they fail."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory
from tests.servers import eventually, free_port

VARNISHD = "/usr/sbin/varnishd"
FRESH_SECONDS = 3  # the test's CDN clock runs fast: whatever s-maxage says, a copy is fresh this long

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cdn(live_server, tmp_path: Path) -> Iterator[str]:
    """The base URL of a Varnish in front of the live server, with its built-in rules (which honour
    Cache-Control and s-maxage, pass requests with cookies and never store private responses)."""
    if not os.path.exists(VARNISHD):
        message = f"{VARNISHD} is missing: install Debian's varnish package (apt-get install varnish)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    backend = urlsplit(live_server.url)
    vcl = tmp_path / "cdn.vcl"
    vcl.write_text(
        "vcl 4.1;\n"
        f'backend app {{ .host = "{backend.hostname}"; .port = "{backend.port}"; }}\n'
        "sub vcl_backend_response {\n"
        f"  if (beresp.ttl > {FRESH_SECONDS}s) {{ set beresp.ttl = {FRESH_SECONDS}s; }}\n"
        "}\n"
    )
    port = free_port()
    command = [VARNISHD, "-F", "-j", "none", "-n", str(tmp_path / "varnish"), "-f", str(vcl)]
    # No lifetime or grace of its own: only what the pages say (s-maxage, stale-while-revalidate).
    command += ["-a", f"127.0.0.1:{port}", "-s", "malloc,32m", "-p", "default_ttl=0", "-p", "default_grace=0"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://localhost:{port}"  # the live server allows its own host name only
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except (OSError, urllib.error.HTTPError):
                if process.poll() is not None:
                    pytest.fail(f"varnishd stopped: {process.stderr.read().decode()}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def served_from_cache(headers: dict[str, str]) -> bool:
    """Varnish names two transactions on a hit (this one and the one that stored the copy), one
    on a miss or a pass."""
    return len(headers["X-Varnish"].split()) == 2


def old_story(**fields) -> Article:
    return ArticleFactory(published_at=timezone.now() - timedelta(days=400), **fields)


def test_a_cdn_keeps_a_public_page_and_answers_revalidations_itself(cdn):
    url = cdn + old_story(title="Harbour reopens").get_absolute_url()
    status, first, body = fetch(url)
    assert status == 200 and "Harbour reopens" in body and not served_from_cache(first)

    status, again, cached = fetch(url)
    assert status == 200 and served_from_cache(again) and cached == body

    status, revalidated, empty = fetch(url, **{"If-None-Match": first["ETag"]})
    assert (status, empty) == (304, "") and served_from_cache(revalidated)


def test_a_cdn_never_keeps_what_a_signed_in_editor_saw(cdn, admin_user):
    draft = ArticleFactory(status=Article.Status.DRAFT, title="Embargoed story")
    editor = Client()
    editor.force_login(admin_user)
    cookie = f"sessionid={editor.cookies['sessionid'].value}"
    url = cdn + draft.get_absolute_url()

    for _ in range(2):
        status, headers, body = fetch(url, Cookie=cookie)
        assert status == 200 and "Embargoed story" in body
        assert not served_from_cache(headers) and "no-store" in headers["Cache-Control"]
    status, _, body = fetch(url)  # a reader, after the editor
    assert status == 404 and "Embargoed story" not in body


def test_a_correction_reaches_cdn_readers_once_the_copy_is_stale_and_none_waits_meanwhile(cdn):
    story = old_story(title="Minister resigns")
    url = cdn + story.get_absolute_url()
    assert "Minister resigns" in fetch(url)[2]

    story.title = "Minister stays"  # the correction, saved by an editor
    story.save()
    status, headers, body = fetch(url)
    assert "Minister resigns" in body and served_from_cache(headers)  # a CDN cannot know yet

    time.sleep(FRESH_SECONDS + 0.5)  # the CDN's copy goes stale by its own clock
    status, headers, body = fetch(url)
    # Past s-maxage the stale copy is still served from the cache (stale-while-revalidate), and
    # the CDN fetches the correction in the background.
    assert "Minister resigns" in body and served_from_cache(headers)
    assert eventually(lambda: "Minister stays" in fetch(url)[2], 10)
    assert "Minister resigns" not in fetch(url)[2]
