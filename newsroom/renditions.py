"""Pictures sized for the reader: smaller copies of an uploaded image, made when it is uploaded.

A phone 390 pixels wide has no use for an editor's 4,000-pixel photo: each upload gets WebP copies
(Pillow) RENDITION_WIDTHS wide, those narrower than the original, stored beside it in the media
storage (MEDIA_ROOT or the bucket). Pages offer them with `srcset`/`sizes`, so the browser picks
the smallest that fills the space; the original stays, as the largest choice. All the work is
done on upload (`Image.save`): a reader's request reads the list from the image's row.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

RENDITION_WIDTHS = (480, 960, 1600)
AVATAR_WIDTHS = (224,)  # twice the largest avatar shown (112 CSS pixels), for sharp screens
WEBP_QUALITY = 80


def make_renditions(
    file: Any, storage: Storage, widths: tuple[int, ...] = RENDITION_WIDTHS
) -> list[dict[str, Any]]:
    """WebP copies of the image `file` (a stored name's file) at each of `widths` it exceeds;
    returns [{"width", "height", "name"}], narrowest first. An image that cannot be read gets none."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        file.open("rb")
        file.seek(0)
        with Image.open(file) as original:
            picture = ImageOps.exif_transpose(original)  # a phone photo's rotation, applied
            picture.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    if picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    stem = PurePosixPath(file.name)
    made = []
    for width in widths:
        if width >= picture.width:
            break
        height = round(picture.height * width / picture.width)
        buffer = io.BytesIO()
        picture.resize((width, height), Image.Resampling.LANCZOS).save(buffer, "WEBP", quality=WEBP_QUALITY)
        name = storage.save(
            f"renditions/{stem.parent}/{stem.stem}-{width}w.webp", ContentFile(buffer.getvalue())
        )
        made.append({"width": width, "height": height, "name": name})
    return made


def belong_to(renditions: list[dict[str, Any]], file_name: str) -> bool:
    """Whether `renditions` were made from the file stored as `file_name` (not from one before)."""
    path = PurePosixPath(file_name)
    prefix = f"renditions/{path.parent}/{path.stem}-"
    return bool(renditions) and all(item["name"].startswith(prefix) for item in renditions)


def smallest_url(renditions: list[Any], file: Any, url: Any) -> str:
    """The address of the narrowest rendition, else of the file itself (an avatar's `src`)."""
    return url(_field(renditions[0], "name")) if renditions else url(file)


def srcset(image: Any, url: Any) -> str:
    """The `srcset` of an image (a model or a page row): its renditions and the original at its
    own width; `url(name)` gives a stored file's address."""
    candidates = [f"{url(_field(item, 'name'))} {_field(item, 'width')}w" for item in image.renditions or ()]
    if candidates and image.width:
        candidates.append(f"{url(image.file)} {image.width}w")
    return ", ".join(candidates)


def _field(item: Any, key: str) -> Any:
    # A model's JSON is dicts; the page statements' rows turn every JSON object into a Row.
    return item[key] if isinstance(item, dict) else getattr(item, key)
