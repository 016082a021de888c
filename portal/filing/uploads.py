"""A name safe to show for an uploaded file, and its size.

The name a browser sends is only ever displayed: storage keys are generated,
and the type comes from the content (``filing.filetypes``), so an executable
renamed .pdf is refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import BinaryIO

from portal.filing.filetypes import EXTENSIONS

MAX_DISPLAY_NAME = 100


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
