"""Untrusted images: check that bytes are an image we accept, and make a bounded copy of one.

Used for organisation logos (shared_apps/memberships/organisation.py), people's avatars
(shared_apps/accounts/avatars.py) and file thumbnails (tenant_apps/files/thumbnails.py): a floor every app
may import. Pillow only; nothing here knows about storage.

An upload is judged from its header before any pixel is decoded: a small file can declare a huge canvas
(a decompression bomb), so the pixel count is bounded here, below Pillow's own global guard, and
Pillow's DecompressionBombError/Warning count as a refusal too. `verify()` then reads the whole file's
structure (chunk checksums, truncation) without decoding it. Vector formats (SVG) are never accepted:
Pillow cannot read them and a browser would run their scripts.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Raster formats browsers show everywhere, by Pillow's format name -> (content type, file extension).
ACCEPTED_FORMATS: dict[str, tuple[str, str]] = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
# 40 megapixels: any photo a phone takes, far below what would take a worker's memory (4 bytes a pixel).
MAX_PIXELS = 40_000_000
# Output formats of `image_bounded`: PNG keeps transparency everywhere; WebP is smaller.
OUTPUT_FORMATS: dict[str, tuple[str, str]] = {"PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class ImageRefusedError(ValueError):
    """The bytes are not an image we accept; `code` says why (`not_an_image`, `unsupported_image_type`,
    `image_too_large`; for an upload also `empty` and `too_large`, its size), `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name: "PNG", "JPEG", ...
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return ACCEPTED_FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return ACCEPTED_FORMATS[self.format][1]


def _open(stream: IO[bytes]) -> Image.Image:
    """Open (header only) and check the format and canvas size. Raises ImageRefusedError."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; a warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageRefusedError("not_an_image", _("This file is not an image that can be read.")) from exc
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        accepted = ", ".join(sorted(ACCEPTED_FORMATS))
        raise ImageRefusedError(
            "unsupported_image_type", _("Images must be one of %(formats)s.") % {"formats": accepted}
        )
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        image.close()
        raise _too_large()
    return image


def _too_large() -> ImageRefusedError:
    return ImageRefusedError(
        "image_too_large",
        _("Images can have at most %(max)s pixels.") % {"max": number_format(MAX_PIXELS, force_grouping=True)},
    )


def _copy(stream: IO[bytes]) -> io.BytesIO:
    # Pillow closes the file it was given when the image is closed; the caller's stream stays open. The
    # whole file is read into memory: callers bound its size first.
    stream.seek(0)
    copy = io.BytesIO(stream.read())
    stream.seek(0)
    return copy


def image_format_sniff(stream: IO[bytes]) -> str | None:
    """The accepted format (Pillow's name) the stream's first bytes announce, or None. Reads 12 bytes and
    decodes nothing, so it is cheap enough for any upload; whether the rest is a readable image is for
    `image_inspect` or `image_bounded` to find out. Leaves `stream` at its start."""
    stream.seek(0)
    head = stream.read(12)
    stream.seek(0)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":  # a RIFF container whose form type is WebP
        return "WEBP"
    return None


def image_inspect(stream: IO[bytes]) -> ImageInfo:
    """What the image is, once its header and structure check out. Leaves `stream` at its start."""
    with _open(_copy(stream)) as image:
        info = ImageInfo(format=str(image.format), width=image.width, height=image.height)
        try:
            image.verify()  # the whole file's structure, without decoding pixels
        except Exception as exc:  # Pillow's plugins raise anything on a corrupt file
            raise ImageRefusedError("not_an_image", _("This image is damaged or truncated.")) from exc
    return info


def image_upload_inspect(upload: UploadedFile, *, max_bytes: int, too_large: str) -> ImageInfo:
    """`image_inspect` of an upload, after its size: ImageRefusedError `empty`, or `too_large` with the
    message `too_large` (a "%(limit)s" in it says the limit in the units people read, 5.0 MB, not bytes)."""
    size = int(upload.size or 0)
    if size == 0:
        raise ImageRefusedError("empty", _("The file is empty."))
    if size > max_bytes:
        raise ImageRefusedError("too_large", too_large % {"limit": filesizeformat(max_bytes)})
    return image_inspect(upload)


def image_bounded(stream: IO[bytes], *, max_side: int, output: str = "PNG") -> bytes:
    """A copy of the image at most `max_side` pixels wide and high (aspect ratio kept, never enlarged),
    upright (EXIF orientation applied, then dropped with the rest of the metadata), in `output` format
    (a key of OUTPUT_FORMATS). An animated image gives its first frame. Raises ImageRefusedError."""
    if output not in OUTPUT_FORMATS:
        raise ValueError(f"unknown output format {output!r}")
    with _open(_copy(stream)) as image:
        try:
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale, still at least twice `max_side` (Pillow's own
            # thumbnail() does the same): a 40-megapixel photo then takes a few MB of a worker's memory, not
            # over 100. Other formats ignore it.
            image.draft(None, (max_side * 2, max_side * 2))
            image.load()
            upright = ImageOps.exif_transpose(image)
        except Exception as exc:  # a corrupt file fails in whichever decoder reads it
            raise ImageRefusedError("not_an_image", _("This image is damaged or truncated.")) from exc
        # RGBA keeps transparency (palette and LA images included); CMYK JPEGs and 16-bit PNGs become RGB(A).
        converted = upright.convert("RGBA")
        converted.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        converted.save(out, format=output, **({"optimize": True} if output == "PNG" else {"quality": 90}))
    return out.getvalue()
