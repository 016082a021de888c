"""What an uploaded file really is, judged by its structure, one function per accepted type.

A magic number only says what a file claims to be: `%PDF-1.4` alone, a PNG signature
with nothing after it, or a zip that merely names `OFD.xml` would all pass such a test.
So each type is read as far as its structure goes, with the work bounded: a PDF is
opened by pypdf in strict mode and must have a page; a PNG's chunks are walked and
their CRCs checked up to IEND; a JPEG's segments are walked to its image data and EOI;
an OFD's zip directory is bounded in entries and in inflated size, and every entry is
inflated under a guard (a size the directory lies about is caught while reading), so
no executable or nested archive rides inside. The reader never renders anything.
"""

from __future__ import annotations

import copy
import struct
import zipfile
import zlib
from enum import Enum
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from pypdf.generic import DictionaryObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
ACCEPTED_TYPES = (PDF, JPEG, PNG, OFD)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", OFD: ".ofd"}

# Bounds on the work one upload may cause. A real scanned licence or an OFD certificate
# is far inside all of them.
MAX_PDF_PAGES = 5000
MAX_PAGE_TREE_DEPTH = 32
MAX_PNG_CHUNKS = 100_000
MAX_JPEG_SEGMENTS = 1000
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_DIRECTORY_BYTES = MAX_ZIP_ENTRIES * 1024
# Ten times the default per-file limit: fixed, so an OFD's fate does not depend on the limit.
MAX_INFLATED_BYTES = 200_000_000
CHUNK = 1 << 20
# What zipfile and zlib raise on a damaged or hostile archive: the file is damaged, not a 500.
BROKEN_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    struct.error,
)

EXECUTABLE_SUFFIXES = (
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".msp", ".sys", ".drv",
    ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".hta",
    ".lnk", ".reg", ".sh", ".bash", ".jar", ".class", ".apk", ".elf", ".so", ".dylib", ".app",
)  # fmt: skip
ARCHIVE_SUFFIXES = (
    ".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst", ".cab", ".iso", ".ofd",
)  # fmt: skip
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
)  # fmt: skip
ARCHIVE_MAGIC = (
    b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08",  # zip (and OFD, docx, jar…)
    b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"\xfd7zXZ\x00", b"MSCF",
    b"\x28\xb5\x2f\xfd",  # zstd
)  # fmt: skip


class Refusal(Enum):
    """Why a file is not accepted. The values are the upload rejections' own."""

    WRONG_TYPE = "wrong-type"
    DAMAGED = "damaged"
    NO_PAGES = "no-pages"
    ENCRYPTED = "encrypted"
    TOO_COMPLEX = "too-complex"
    ARCHIVE_TOO_LARGE = "archive-too-large"
    EXECUTABLE_INSIDE = "executable-inside"
    NESTED_ARCHIVE = "nested-archive"


class NotAccepted(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(refusal.value)


def judge(stream: BinaryIO) -> str:
    """The accepted type these bytes are, or NotAccepted saying why. Leaves the stream at 0."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        check, content_type = check_pdf, PDF
    elif head.startswith(b"\xff\xd8\xff"):
        check, content_type = check_jpeg, JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        check, content_type = check_png, PNG
    elif head.startswith(b"PK\x03\x04"):
        check, content_type = check_ofd, OFD
    else:
        raise NotAccepted(Refusal.WRONG_TYPE)
    try:
        check(stream)
    finally:
        stream.seek(0)
    return content_type


# PDF --------------------------------------------------------------------------------------


def check_pdf(stream: BinaryIO) -> None:
    """Opens in strict mode, is not encrypted, and its page tree reaches a page."""
    # pypdf costs a process about 18 MB: imported on the first PDF judged, so the worker
    # and the dispatcher, which never judge an upload, do not carry it.
    from pypdf import PdfReader

    try:
        reader = PdfReader(stream, strict=True)
        if reader.is_encrypted:
            raise NotAccepted(Refusal.ENCRYPTED)
        pages = reader.trailer["/Root"].get_object()["/Pages"].get_object()
        count = pages.get("/Count", 0)
        if not isinstance(count, int) or count < 1:
            raise NotAccepted(Refusal.NO_PAGES)
        if count > MAX_PDF_PAGES:
            raise NotAccepted(Refusal.TOO_COMPLEX)
        _first_page(pages)
    except NotAccepted:
        raise
    except RecursionError as error:
        raise NotAccepted(Refusal.TOO_COMPLEX) from error
    except Exception as error:
        # pypdf raises many kinds of error on malformed input (its own, KeyError,
        # ValueError, TypeError…): every one means the window could not read the file either.
        raise NotAccepted(Refusal.DAMAGED) from error


def _first_page(node: DictionaryObject) -> None:
    """Walks down the first kids only (not pypdf's full flattening): bounded by depth."""
    from pypdf.generic import ArrayObject, DictionaryObject

    for _ in range(MAX_PAGE_TREE_DEPTH):
        if node.get("/Type") == "/Page":
            return
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        if not isinstance(kids, ArrayObject) or not kids:
            raise NotAccepted(Refusal.NO_PAGES)
        node = kids[0].get_object()
        if not isinstance(node, DictionaryObject):
            raise NotAccepted(Refusal.NO_PAGES)
    raise NotAccepted(Refusal.TOO_COMPLEX)


# PNG --------------------------------------------------------------------------------------


def check_png(stream: BinaryIO) -> None:
    """Every chunk whole with a right CRC, IHDR first, image data, then IEND."""
    stream.seek(8)
    first, seen_data = True, False
    for _ in range(MAX_PNG_CHUNKS):
        header = stream.read(8)
        if len(header) < 8:
            raise NotAccepted(Refusal.DAMAGED)
        length, kind = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise NotAccepted(Refusal.DAMAGED)
        crc = zlib.crc32(kind)
        data = b""
        left = length
        while left:
            piece = stream.read(min(left, CHUNK))
            if not piece:
                raise NotAccepted(Refusal.DAMAGED)
            crc = zlib.crc32(piece, crc)
            if kind == b"IHDR":
                data += piece
            left -= len(piece)
        stored = stream.read(4)
        if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
            raise NotAccepted(Refusal.DAMAGED)
        if first:
            if kind != b"IHDR" or length != 13:
                raise NotAccepted(Refusal.DAMAGED)
            width, height = struct.unpack(">II", data[:8])
            if not width or not height:
                raise NotAccepted(Refusal.DAMAGED)
            first = False
        seen_data |= kind == b"IDAT"
        if kind == b"IEND":
            if not seen_data:
                raise NotAccepted(Refusal.DAMAGED)
            return
    raise NotAccepted(Refusal.TOO_COMPLEX)


# JPEG -------------------------------------------------------------------------------------

# Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def check_jpeg(stream: BinaryIO) -> None:
    """Segments whole up to the scan, a frame with a size, then image data ending in EOI."""
    stream.seek(2)
    framed = False
    for _ in range(MAX_JPEG_SEGMENTS):
        if stream.read(1) != b"\xff":
            raise NotAccepted(Refusal.DAMAGED)
        marker = stream.read(1)
        for _ in range(MAX_JPEG_SEGMENTS):  # fill bytes may precede a marker
            if marker != b"\xff":
                break
            marker = stream.read(1)
        if not marker or marker in (b"\x00", b"\xd8", b"\xd9"):
            raise NotAccepted(Refusal.DAMAGED)
        code = marker[0]
        if code in _STANDALONE:
            continue
        size = stream.read(2)
        length = struct.unpack(">H", size)[0] - 2 if len(size) == 2 else -1
        segment = stream.read(length) if length >= 0 else b""
        if length < 0 or len(segment) != length:
            raise NotAccepted(Refusal.DAMAGED)
        if code in _SOF:
            if len(segment) < 6:
                raise NotAccepted(Refusal.DAMAGED)
            _, height, width, components = struct.unpack(">BHHB", segment[:6])
            if not height or not width or not components:
                raise NotAccepted(Refusal.DAMAGED)
            framed = True
        if code == 0xDA:  # start of scan: image data follows, up to the end marker
            if not framed or not _find(stream, b"\xff\xd9"):
                raise NotAccepted(Refusal.DAMAGED)
            return
    raise NotAccepted(Refusal.TOO_COMPLEX)


def _find(stream: BinaryIO, needle: bytes) -> bool:
    carry = b""
    while piece := stream.read(CHUNK):
        if needle in carry + piece:
            return True
        carry = piece[-(len(needle) - 1) :]
    return False


# OFD --------------------------------------------------------------------------------------


def check_ofd(stream: BinaryIO) -> None:
    """An OFD (GB/T 33190) is a zip holding OFD.xml at its root, and nothing dangerous."""
    _check_zip_directory(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise NotAccepted(Refusal.ARCHIVE_TOO_LARGE)
            if "OFD.xml" not in {entry.filename for entry in entries}:
                raise NotAccepted(Refusal.WRONG_TYPE)
            if sum(entry.file_size for entry in entries) > MAX_INFLATED_BYTES:
                raise NotAccepted(Refusal.ARCHIVE_TOO_LARGE)
            for entry in entries:
                _check_entry_name(entry)
            inflated = 0
            for entry in entries:
                inflated += _read_entry(archive, entry, MAX_INFLATED_BYTES - inflated)
    except NotAccepted:
        raise
    except BROKEN_ZIP as error:
        raise NotAccepted(Refusal.DAMAGED) from error


def _check_zip_directory(stream: BinaryIO) -> None:
    """Reads the end record before zipfile parses the directory, so parsing is bounded too."""
    size = stream.seek(0, 2)
    tail_size = min(size, 22 + 0xFFFF)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise NotAccepted(Refusal.DAMAGED)
    _, _, _, _, entries, directory_size, _, _ = struct.unpack("<4s4H2LH", tail[at : at + 22])
    # 0xFFFF / 0xFFFFFFFF mean "see the zip64 record": no OFD of our size needs one.
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise NotAccepted(Refusal.ARCHIVE_TOO_LARGE)
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_DIRECTORY_BYTES:
        raise NotAccepted(Refusal.ARCHIVE_TOO_LARGE)
    stream.seek(0)


def _check_entry_name(entry: zipfile.ZipInfo) -> None:
    name = entry.filename.lower().rstrip("/")
    if name.endswith(EXECUTABLE_SUFFIXES):
        raise NotAccepted(Refusal.EXECUTABLE_INSIDE)
    if name.endswith(ARCHIVE_SUFFIXES):
        raise NotAccepted(Refusal.NESTED_ARCHIVE)
    if entry.flag_bits & 0x1:
        raise NotAccepted(Refusal.ENCRYPTED)
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotAccepted(Refusal.DAMAGED)


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, allowance: int) -> int:
    """Inflates one entry, looking at its first bytes; refuses it once it outgrows its claim.

    zipfile stops at the size the directory declares (and then fails on the CRC), so a
    lying entry would look merely damaged: reading under a claim as large as the whole
    allowance shows the lie within one chunk of it. A truthful entry's CRC is checked at its end.
    """
    if entry.is_dir():
        return 0
    probe = copy.copy(entry)
    probe.file_size = MAX_INFLATED_BYTES + 1
    inflated = 0
    with archive.open(probe) as member:
        while piece := member.read(CHUNK):
            if inflated == 0:
                _check_entry_content(piece)
            inflated += len(piece)
            if inflated > entry.file_size or inflated > allowance:
                raise NotAccepted(Refusal.ARCHIVE_TOO_LARGE)
    return inflated


def _check_entry_content(head: bytes) -> None:
    if head.startswith(EXECUTABLE_MAGIC):
        raise NotAccepted(Refusal.EXECUTABLE_INSIDE)
    is_bzip2 = head.startswith(b"BZh") and head[3:4].isdigit()
    is_tar = head[257:262] == b"ustar"
    if head.startswith(ARCHIVE_MAGIC) or is_bzip2 or is_tar:
        raise NotAccepted(Refusal.NESTED_ARCHIVE)
