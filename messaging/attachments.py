"""Checking uploaded files by what they contain, not by what their name or browser claims."""

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
MAX_IMAGE_PIXELS = 40_000_000

# Pillow format → (output format, content type, extension). Re-encoding drops metadata
# (EXIF location) and anything hidden after the image data.
IMAGE_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "GIF": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}


@dataclass
class CheckedFile:
    content: ContentFile
    name: str
    kind: str
    content_type: str
    size: int


def _clean_name(name: str, extension: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0].strip() or "file"
    return f"{stem[:120]}.{extension}"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """An image (re-encoded) or a PDF, at most 10 MB; anything else is refused."""
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="file_too_large"
        )
    upload.seek(0)
    data = upload.read()
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="file_too_large"
        )
    original = upload.name or "file"
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return CheckedFile(
            content=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"),
            name=_clean_name(original, "pdf"),
            kind="pdf",
            content_type="application/pdf",
            size=len(data),
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise UnidentifiedImageError
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels.") % {"name": original}, code="image_too_big"
                )
            out_format, content_type, extension = IMAGE_FORMATS[image.format]
            image.load()
            picture: Image.Image = image
            if out_format == "JPEG" and image.mode not in ("RGB", "L"):
                picture = image.convert("RGB")
            elif out_format == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                picture = image.convert("RGBA")
            buffer = io.BytesIO()
            picture.save(
                buffer, format=out_format, **({"quality": 88} if out_format != "PNG" else {})
            )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not an image or a PDF.") % {"name": original}, code="file_type"
        ) from None
    encoded = buffer.getvalue()
    return CheckedFile(
        content=ContentFile(encoded, name=f"{uuid.uuid4().hex}.{extension}"),
        name=_clean_name(original, extension),
        kind="image",
        content_type=content_type,
        size=len(encoded),
    )
