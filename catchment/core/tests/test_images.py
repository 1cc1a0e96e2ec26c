import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catchment.core.images import square_thumbnail


def picture_bytes(fmt="PNG", size=(640, 480), colour=(10, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def test_a_png_becomes_a_square_jpeg_of_the_configured_size(settings):
    settings.AVATAR_SIZE = 256
    result = square_thumbnail(SimpleUploadedFile("me.png", picture_bytes()))
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == "JPEG"
        assert image.size == (256, 256)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "WEBP"])
def test_other_raster_formats_are_accepted(fmt):
    assert square_thumbnail(SimpleUploadedFile("me.img", picture_bytes(fmt))).size > 0


def test_svg_is_refused_even_with_an_image_name():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as error:
        square_thumbnail(SimpleUploadedFile("me.png", svg, content_type="image/png"))
    assert error.value.code == "invalid"


def test_html_renamed_as_jpeg_is_refused():
    with pytest.raises(ValidationError):
        square_thumbnail(
            SimpleUploadedFile("me.jpg", b"<html><body>hi</body></html>", content_type="image/jpeg")
        )


def test_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        square_thumbnail(SimpleUploadedFile("me.png", picture_bytes()[:200]))


def test_a_file_over_the_byte_limit_is_refused_before_decoding(settings):
    settings.AVATAR_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        square_thumbnail(
            SimpleUploadedFile("me.png", picture_bytes(size=(800, 800), colour=(1, 2, 3)) + b"x" * 2000)
        )
    assert error.value.code == "too_large"


def test_an_image_with_too_many_pixels_is_refused(settings):
    settings.AVATAR_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as error:
        square_thumbnail(SimpleUploadedFile("me.png", picture_bytes(size=(200, 200))))
    assert error.value.code == "too_many_pixels"


def test_a_tiff_is_refused_as_an_unsupported_format():
    with pytest.raises(ValidationError) as error:
        square_thumbnail(SimpleUploadedFile("me.tif", picture_bytes("TIFF")))
    assert error.value.code == "format"
