"""Uploaded photos lose their metadata (PIPL): EXIF can carry the GPS position and the device."""

from __future__ import annotations

import io

from PIL import Image, ImageOps


class NotAnImage(ValueError):
    """The bytes are not an image Pillow can read."""


def strip_metadata(data: bytes, *, fmt: str | None = None) -> tuple[bytes, str]:
    """Re-encode the pixels only; returns the new bytes and their format ("PNG" or "JPEG").

    The orientation tag is applied to the pixels first, so the photo still looks upright.
    ``fmt`` forces the output format; by default PNG stays PNG and everything else is JPEG.
    """
    try:
        opened = Image.open(io.BytesIO(data))
        opened.load()
    except Exception:  # Pillow raises many types for bytes that are not an image
        raise NotAnImage from None
    fmt = fmt or ("PNG" if opened.format == "PNG" else "JPEG")
    image: Image.Image = ImageOps.exif_transpose(opened)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=88)
    return buffer.getvalue(), fmt
