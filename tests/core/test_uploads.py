"""`core.uploads`: attachments are checked by what they contain, never by name or type."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import MAX_ATTACHMENT_BYTES, check_attachment, private_storage

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_pdf_is_kept_as_it_is():
    checked = check_attachment(pdf_upload("Brief.PDF"))
    assert checked.content_type == "application/pdf"
    assert checked.name == "Brief.pdf"


def test_an_image_is_re_encoded_and_named_by_its_real_type():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="JPEG")
    checked = check_attachment(SimpleUploadedFile("photo.png", out.getvalue()))
    assert checked.content_type == "image/jpeg"
    assert checked.name == "photo.jpg"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
        ("truncated.pdf", b"%PDF-1.4\n" + b"x" * 5000),
        ("empty.pdf", b""),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_anything_else_is_refused(name, data):
    with pytest.raises(ValidationError):
        check_attachment(SimpleUploadedFile(name, data))


def test_files_over_10_mb_are_refused():
    big = b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES + b"\n%%EOF"
    with pytest.raises(ValidationError) as caught:
        check_attachment(SimpleUploadedFile("big.pdf", big))
    assert caught.value.code == "too_large"


def test_exif_and_trailing_bytes_are_dropped_by_re_encoding():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    smuggled = out.getvalue() + b"<script>alert(1)</script>"
    checked = check_attachment(SimpleUploadedFile("red.png", smuggled))
    assert b"<script>" not in checked.content.read()
    assert checked.kind == "image"


def test_private_files_have_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assert private_storage.location == str(tmp_path)
    assert private_storage.base_url == ""
