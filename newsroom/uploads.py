"""Validation shared by every uploaded image (hero images, avatars)."""

from django.core.exceptions import ValidationError
from django.core.files import File

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; larger is a decompression bomb risk
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image_upload(upload: File) -> None:
    """Reject files that are too big, not a raster image Pillow can decode, or too many pixels.

    SVG is refused on purpose: it can carry script.
    """
    from PIL import Image, UnidentifiedImageError

    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"Images must be {MAX_UPLOAD_BYTES // (1024 * 1024)} MB or smaller.")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError("Upload a valid JPEG, PNG, WebP or GIF image.") from error
    finally:
        upload.seek(0)
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
