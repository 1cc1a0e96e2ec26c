"""Checking and normalising uploaded pictures: the content decides the type, never the file name."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def square_thumbnail(upload: UploadedFile, *, size: int | None = None) -> ContentFile[bytes]:
    """Validate an uploaded raster image and return it as a square JPEG of `size` pixels.

    Raises ValidationError (translated) for anything that is not a readable JPEG, PNG, GIF or WebP within
    the size limits: SVG, HTML with an image name, truncated files and decompression bombs alike.
    """
    size = size or settings.AVATAR_SIZE
    return fitted_picture(upload, (size, size))


def fitted_picture(upload: UploadedFile, box: tuple[int, int]) -> ContentFile[bytes]:
    """Validate an uploaded raster image and return it cropped and scaled to `box` (width, height), as JPEG.

    Same checks as `square_thumbnail`: the content decides the type; anything unreadable is refused.
    """
    if upload.size is not None and upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The picture is too large: the limit is %(limit)d MB.")
            % {"limit": settings.AVATAR_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                probe.verify()
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Use a JPEG, PNG, GIF or WebP picture."), code="format")
            if width * height > settings.AVATAR_MAX_PIXELS:
                raise ValidationError(_("The picture has too many pixels."), code="too_many_pixels")
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image).convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError(
            _("This file is not a picture we can read. Use a JPEG, PNG, GIF or WebP picture."), code="invalid"
        ) from exc
    thumbnail = ImageOps.fit(picture, box, method=Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())
