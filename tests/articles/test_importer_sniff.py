"""Files told apart before parsing (articles/importer/sniff.py): pages pass, everything else is named."""

from __future__ import annotations

import codecs
import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.importer.sniff import NotAPage, page_bytes


@pytest.mark.parametrize(
    "page",
    [
        b"News Feed\n\nA title\n\n2 min read\n",
        b"<!doctype html><html><body><p>Text</p></body></html>",
        "Заголовок «в кавычках» — тире\n".encode(),
        codecs.BOM_UTF16_LE + "A page in UTF-16\n".encode("utf-16-le"),
        "Café ‘quoted’\n".encode("cp1252"),
        b"<style>body{}</style><p>A page that starts with a style sheet</p>",
    ],
)
def test_pages_pass_as_they_are(page):
    assert page_bytes(page) == page


def test_a_gzip_compressed_page_is_unpacked():
    page = b"<html><body><h1>Title</h1><p>Body.</p></body></html>"
    assert page_bytes(gzip.compress(page)) == page
    assert page_bytes(gzip.compress(gzip.compress(page))) == page  # twice packed: unpacked twice


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image"),
        (b"\x00\x00\x00\x18ftypheic", "HEIC image"),
        (b"\x7fELF\x02\x01\x01", "executable program"),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
        (gzip.compress(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), "PNG image"),  # a packed picture
    ],
)
def test_other_files_are_named(data, kind):
    with pytest.raises(NotAPage, match=kind):
        page_bytes(data)


@given(st.binary(min_size=1, max_size=2000))
def test_any_bytes_pass_or_are_refused_never_anything_else(data):
    try:
        assert page_bytes(data)
    except NotAPage as refusal:
        assert str(refusal).endswith("not a page") or "gzip" in str(refusal) or "not a text" in str(refusal)
