"""What a file is, before anyone parses it as a page. Pure: bytes in, a verdict out.

An import folder holds more than pages: pictures saved beside them, PDFs, archives, an empty file
left by a crawler. Read as text, a JPEG became a "story" with a mojibake title and 1,761
paragraphs. Files are told by their first bytes (magic numbers), and text from binary data by NUL
bytes and control characters: each refusal names what the file is ("JPEG image, not a page"). A
gzip-compressed page is unpacked (up to a cap) and looked at again.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib

MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # as MAX_PAGE_BYTES: a page is kilobytes
SAMPLE_BYTES = 8192
# (magic bytes at offset 0, what the file is)
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office or EPUB document)"),
    (b"PK\x05\x06", "ZIP archive (empty)"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "Zstandard archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable program"),
    (b"ID3\x02", "MP3 audio"),
    (b"ID3\x03", "MP3 audio"),
    (b"ID3\x04", "MP3 audio"),
    (b"OggS", "Ogg audio or video"),
    (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "WebM or Matroska video"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
)
_RIFF = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}
# Every byte but the control characters text never holds: deleting these from a sample leaves the
# suspicious ones, counted in C (a Python loop over 8 KB cost ~0.5 ms a page, half an import's time).
_NOT_SUSPICIOUS = bytes(range(32, 256)) + b"\t\n\r\f\v\x1b"


class NotAPage(ValueError):
    """The file is not a page: its message says what it is."""


def page_bytes(data: bytes) -> bytes:
    """The bytes of a page: `data` itself, or unpacked when gzip-compressed. Raises NotAPage, with
    what the file is, for an empty file, an image, a document, an archive or other binary data."""
    if not data.strip():
        raise NotAPage("empty file, not a page")
    if data.startswith(b"\x1f\x8b"):
        return page_bytes(_gunzip(data))
    kind = _signature(data)
    if kind:
        raise NotAPage(f"{kind}, not a page")
    if not _looks_like_text(data[:SAMPLE_BYTES]):
        raise NotAPage("binary data, not a text or HTML page")
    return data


def _signature(data: bytes) -> str:
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4 or QuickTime video, or a HEIC image"
    if data[257:262] == b"ustar":
        return "tar archive"
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return "bzip2 archive"
    return ""


def _looks_like_text(sample: bytes) -> bool:
    """No NUL byte and few control characters, unless the sample is UTF-16 (with its BOM)."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in sample:
        return False
    return len(sample.translate(None, _NOT_SUSPICIOUS)) <= len(sample) // 100


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
            unpacked = packed.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise NotAPage(f"gzip file that cannot be unpacked ({error})") from error
    if len(unpacked) > MAX_UNPACKED_BYTES:
        raise NotAPage("gzip file unpacking to more than 20 MB, not a page")
    return unpacked
