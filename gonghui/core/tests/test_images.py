"""Photos lose their EXIF (GPS) on upload."""

import io

import pytest
from PIL import Image

from gonghui.core.images import NotAnImage, strip_metadata


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (4, 2), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (38.0, 28.0, 1.0), 4: (106.0, 16.0, 48.0)}  # GPS latitude, longitude
    exif[0x0112] = 6  # orientation: rotate 90°
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_exif_removed_and_orientation_applied() -> None:
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    data, fmt = strip_metadata(original)
    cleaned = Image.open(io.BytesIO(data))
    assert fmt == "JPEG" and not cleaned.getexif()
    assert cleaned.size == (2, 4)  # turned upright


def test_transparent_png_as_jpeg_and_not_an_image() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (3, 3), (0, 0, 0, 0)).save(out, format="PNG")
    assert strip_metadata(out.getvalue())[1] == "PNG"
    assert strip_metadata(out.getvalue(), fmt="JPEG")[1] == "JPEG"
    with pytest.raises(NotAnImage):
        strip_metadata(b"%PDF-1.4 not an image")
