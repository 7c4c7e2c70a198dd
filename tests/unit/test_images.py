"""tenants/images.py without a database: what the first bytes of an upload announce, and a large JPEG's
bounded copy (decoded at a reduced scale)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tenants.images import image_bounded, image_format_sniff


def _encoded(fmt: str, size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color=(1, 2, 3)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (_encoded("PNG"), "PNG"),
        (_encoded("JPEG"), "JPEG"),
        (_encoded("GIF"), "GIF"),
        (b"GIF87a" + b"\x00" * 10, "GIF"),
        (_encoded("WEBP"), "WEBP"),
        (_encoded("BMP"), None),  # an image, not one we accept
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),  # a RIFF container that is sound
        (b"%PDF-1.4", None),
        (b"\x89PN", None),  # shorter than the signature
        (b"", None),
    ],
)
def test_the_first_bytes_name_the_format(content: bytes, expected: str | None) -> None:
    stream = io.BytesIO(content)
    stream.seek(len(content))  # wherever the caller left it
    assert image_format_sniff(stream) == expected
    assert stream.tell() == 0  # left at its start, for the storage to read it all


def test_a_large_jpegs_bounded_copy_keeps_its_shape() -> None:
    bounded = Image.open(io.BytesIO(image_bounded(io.BytesIO(_encoded("JPEG", (4000, 3000))), max_side=256)))
    assert (bounded.format, bounded.size) == ("PNG", (256, 192))
