"""What an uploaded file really is, judged from its bytes, and a name safe to show.

The name a browser sends is only ever displayed: storage keys are generated,
and the type comes from the content, so an executable renamed .pdf is refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from typing import BinaryIO

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
ACCEPTED_TYPES = (PDF, JPEG, PNG, OFD)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", OFD: ".ofd"}
MAX_DISPLAY_NAME = 100


def sniff_type(stream: BinaryIO) -> str | None:
    """The accepted type these bytes are, or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and _is_ofd(stream):
        return OFD
    return None


def _is_ofd(stream: BinaryIO) -> bool:
    """An OFD (GB/T 33190) is a zip whose root holds OFD.xml."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return "OFD.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        stream.seek(0)


def safe_display_name(name: str | None, content_type: str) -> str:
    """The last path part, without control characters, at most 100 characters, right extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    extension = EXTENSIONS[content_type]
    stem = stem[: MAX_DISPLAY_NAME - len(extension)] or "file"
    return stem + extension


def stream_size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size
