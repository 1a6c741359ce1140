"""Uploaded images: decoded with a pixel cap (decompression bombs), resized and re-encoded."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # decoded size refused above this (decompression bombs)
IMAGE_MAX_SIDE = 1600


def reencode_image(data: bytes) -> tuple[bytes, int, int]:
    """The image decoded with a pixel cap, resized to IMAGE_MAX_SIDE and written anew as JPEG
    (no metadata, nothing of the original bytes kept). ValidationError if it is no image."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 10 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                raise ValidationError(_("Only JPEG, PNG, WebP or GIF images are accepted."))
            w, h = probe.size
            if w * h > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            probe.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            image = probe.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(_("The file is not an image that can be read.")) from exc
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


