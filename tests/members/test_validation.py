import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.logos import LOGO_SIZE, THUMB_SIZE, logo_process
from members.tags import tag_parse
from members.validators import validate_bin

from .conftest import image_bytes, make_bin


class TestBin:
    def test_accepts_a_valid_bin(self):
        validate_bin(make_bin())

    def test_worked_example(self):
        # 9*1 + 9*2 + 0*3 + 3*4 + 4*5 + 0*6 + 0*7 + 0*8 + 1*9 + 2*10 + 3*11 = 121; 121 % 11 = 0
        validate_bin("990340001230")
        with pytest.raises(ValidationError):
            validate_bin("990340001231")

    def test_second_pass_weights(self):
        # First pass gives 10 for "00000000010" (1*10), so weights 3..11,1,2 apply: 1*1 = 1.
        validate_bin("000000000101")
        with pytest.raises(ValidationError):
            validate_bin("000000000100")

    @pytest.mark.parametrize("value", ["12345", "1234567890123", "12345678901a", "\uff11" * 12])
    def test_rejects_wrong_format(self, value):
        with pytest.raises(ValidationError) as exc:
            validate_bin(value)
        assert exc.value.code == "bin_format"

    def test_rejects_a_wrong_check_digit(self):
        good = make_bin()
        bad = good[:11] + str((int(good[11]) + 1) % 10)
        with pytest.raises(ValidationError) as exc:
            validate_bin(bad)
        assert exc.value.code == "bin_checksum"

    def test_empty_is_allowed(self):
        validate_bin("")


class TestTags:
    def test_normalises_and_deduplicates(self):
        assert tag_parse("  Machine   Learning, machine learning;GIS,, #IoT.") == [
            "machine learning",
            "gis",
            "iot",
        ]

    def test_cyrillic_is_lower_cased(self):
        assert tag_parse("Открытые Данные") == ["открытые данные"]

    def test_too_many_tags(self):
        with pytest.raises(ValidationError):
            tag_parse(",".join(f"t{i}" for i in range(13)))

    def test_too_long_tag(self):
        with pytest.raises(ValidationError):
            tag_parse("x" * 41)

    def test_tag_without_letters(self):
        with pytest.raises(ValidationError):
            tag_parse("!!!")


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class TestLogos:
    @pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
    def test_real_images_are_reencoded_to_webp_squares(self, fmt):
        processed = logo_process(upload(image_bytes(fmt)))
        for content, size in ((processed.logo, LOGO_SIZE), (processed.thumb, THUMB_SIZE)):
            with Image.open(io.BytesIO(content.read())) as image:
                assert image.format == "WEBP"
                assert image.size == (size, size)

    def test_transparency_survives(self):
        processed = logo_process(upload(image_bytes("PNG", mode="RGBA")))
        with Image.open(io.BytesIO(processed.thumb.read())) as image:
            assert image.mode == "RGBA"

    def test_too_large_file(self):
        data = image_bytes() + b"\0" * (2 * 1024 * 1024)
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(data))
        assert exc.value.code == "logo_too_large"

    def test_svg_is_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(svg, "logo.svg", "image/svg+xml"))
        assert exc.value.code == "logo_format"

    def test_html_renamed_to_png_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(b"<html><script>alert(1)</script></html>", "logo.png"))
        assert exc.value.code == "logo_format"

    def test_gif_is_refused(self):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="GIF")
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(buffer.getvalue(), "logo.gif"))
        assert exc.value.code == "logo_format"

    def test_truncated_image_is_refused(self):
        data = image_bytes("PNG", size=(400, 400))
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(data[: len(data) // 2]))
        assert exc.value.code in {"logo_damaged", "logo_format"}

    def test_truncated_jpeg_is_refused(self):
        buffer = io.BytesIO()
        Image.effect_noise((500, 500), 60).convert("RGB").save(buffer, format="JPEG")
        data = buffer.getvalue()
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(data[: len(data) // 2], "logo.jpg"))
        assert exc.value.code in {"logo_damaged", "logo_format"}

    def test_decompression_bomb_is_refused(self):
        # A tiny file that claims 20000 x 20000 pixels.
        buffer = io.BytesIO()
        Image.new("1", (20000, 20000)).save(buffer, format="PNG")
        assert len(buffer.getvalue()) < 2 * 1024 * 1024
        with pytest.raises(ValidationError) as exc:
            logo_process(upload(buffer.getvalue()))
        assert exc.value.code == "logo_too_many_pixels"
