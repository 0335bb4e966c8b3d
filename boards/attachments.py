"""Checking uploaded attachments by their content, never by their name or declared type."""

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_IMAGE_PIXELS = 40_000_000

# Pillow format -> (content type, extension)
IMAGE_FORMATS = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    name: str
    content_type: str
    size: int


def _display_name(original: str, extension: str) -> str:
    stem = PurePath(original or "attachment").stem.strip()[:150] or "attachment"
    return f"{stem}{extension}"


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """A PDF as uploaded, or an image re-encoded by Pillow (which drops metadata and anything
    hidden after the pixels). Anything else, or anything over 10 MB, is refused."""
    size = upload.size or 0
    name = upload.name or "attachment"
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; attachments can be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "max": filesizeformat(MAX_ATTACHMENT_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("Attachments can be at most 10 MB."), code="too_large")
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")

    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                _("%(name)s is not a complete PDF file.") % {"name": name}, code="bad_pdf"
            )
        return CheckedFile(
            content=ContentFile(data),
            name=_display_name(name, ".pdf"),
            content_type="application/pdf",
            size=len(data),
        )

    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            if fmt not in IMAGE_FORMATS:
                raise UnidentifiedImageError(fmt)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("%(name)s is too large an image.") % {"name": name}, code="too_many_pixels"
                )
            image.load()
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format=fmt)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a PDF or a PNG, JPEG or WebP image.") % {"name": name},
            code="bad_type",
        ) from None
    content_type, extension = IMAGE_FORMATS[fmt]
    encoded = out.getvalue()
    return CheckedFile(
        content=ContentFile(encoded),
        name=_display_name(name, extension),
        content_type=content_type,
        size=len(encoded),
    )
