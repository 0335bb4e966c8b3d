"""Logo uploads: prove the file is a real raster image, then re-encode it at the sizes we show.

Nothing the user sent is ever stored: Pillow decodes the pixels and we write new WebP files,
which drops metadata, scripts smuggled into comments and polyglot tricks along the way.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_LOGO_BYTES = 2 * 1024 * 1024
# A logo never needs more than this; bigger is most likely a decompression bomb.
MAX_LOGO_PIXELS = 6000 * 6000
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Profile header at 2x (72 px shown) plus room; cards at 2x (44 px shown).
LOGO_SIZE = 320
THUMB_SIZE = 96


@dataclass(frozen=True)
class ProcessedLogo:
    logo: ContentFile
    thumb: ContentFile


def _encode(image: Image.Image, size: int, name: str) -> ContentFile:
    square = ImageOps.pad(image, (size, size), method=Image.Resampling.LANCZOS, color=(0, 0, 0, 0))
    buffer = io.BytesIO()
    square.save(buffer, format="WEBP", quality=88, method=4)
    return ContentFile(buffer.getvalue(), name=name)


def logo_process(upload: File, *, stem: str = "logo") -> ProcessedLogo:
    """Validate an uploaded file and return the re-encoded logo and thumbnail.

    Raises ValidationError with a message a person can act on; writes nothing.
    """
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError(_("No file was uploaded."), code="logo_missing")
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is %(size).1f MB; the limit is 2 MB. Please upload a smaller image.")
            % {"size": size / (1024 * 1024)},
            code="logo_too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo is larger than 2 MB."), code="logo_too_large")
    not_an_image = ValidationError(
        _("This file is not a JPEG, PNG or WebP image. SVG and other formats are not accepted."),
        code="logo_format",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width * height > MAX_LOGO_PIXELS:
                    raise ValidationError(
                        _("The image is %(w)dx%(h)d pixels; logos must be at most 6000x6000.")
                        % {"w": width, "h": height},
                        code="logo_too_many_pixels",
                    )
                probe.verify()
            # verify() leaves the image unusable; decode it for real from a fresh handle.
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened).convert("RGBA")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image is too large to process; logos must be at most 6000x6000 pixels."),
            code="logo_too_many_pixels",
        ) from exc
    except UnidentifiedImageError as exc:
        raise not_an_image from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The image file is damaged or incomplete. Please export it again and retry."),
            code="logo_damaged",
        ) from exc
    token = secrets.token_hex(6)
    return ProcessedLogo(
        logo=_encode(image, LOGO_SIZE, f"{stem}-{token}.webp"),
        thumb=_encode(image, THUMB_SIZE, f"{stem}-{token}-thumb.webp"),
    )
