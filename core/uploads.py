"""Attachments people upload (board posts, proposals, messages): checked by what they
contain, kept outside MEDIA_ROOT, and handed out only by views that check who asks."""

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000

# Pillow format -> (output format, content type, extension). Re-encoding drops metadata (EXIF
# location) and anything hidden after the image data; GIF becomes a still PNG.
IMAGE_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "GIF": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    name: str  # what the person called it, with the extension of what it really is
    kind: str  # "pdf" or "image"
    content_type: str
    size: int


def _display_name(original: str, extension: str) -> str:
    stem = PurePath(original.replace("\\", "/")).stem.strip()[:150] or "attachment"
    return f"{stem}.{extension}"


def _reencode(data: bytes, name: str) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise UnidentifiedImageError(image.format)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("%(name)s is too large an image.") % {"name": name}, code="too_many_pixels"
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
                buffer, format=out_format, **({} if out_format == "PNG" else {"quality": 88})
            )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a PDF or a PNG, JPEG, GIF or WebP image.") % {"name": name},
            code="bad_type",
        ) from None
    return buffer.getvalue(), content_type, extension


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """A PDF as uploaded, or an image re-encoded by Pillow; anything else, anything empty or
    over 10 MB is refused with a ValidationError that names the file."""
    name = upload.name or "attachment"
    too_large = ValidationError(
        _("%(name)s is %(size)s; attachments can be at most %(max)s.")
        % {
            "name": name,
            "size": filesizeformat(upload.size or 0),
            "max": filesizeformat(MAX_ATTACHMENT_BYTES),
        },
        code="too_large",
    )
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise too_large
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise too_large
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                _("%(name)s is not a complete PDF file.") % {"name": name}, code="bad_pdf"
            )
        encoded, kind, content_type, extension = data, "pdf", "application/pdf", "pdf"
    else:
        encoded, content_type, extension = _reencode(data, name)
        kind = "image"
    return CheckedFile(
        content=ContentFile(encoded, name=f"{uuid.uuid4().hex}.{extension}"),
        name=_display_name(name, extension),
        kind=kind,
        content_type=content_type,
        size=len(encoded),
    )


class PrivateStorage(FileSystemStorage):
    """Files the web server never serves: they live under PRIVATE_MEDIA_ROOT, read from the
    settings on every use (so tests can point it elsewhere), and have no URL."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> str:
        return ""


private_storage = PrivateStorage()


def private_file_response(
    file: IO[bytes], *, name: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Hand a private file to the one person who may have it: never sniffed, never run as a
    page (a sandbox CSP), never kept by shared caches. Only images may be shown inline."""
    response = FileResponse(
        file, as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
