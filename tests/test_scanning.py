"""The scanner against a real clamd (see tests/fixtures/clamav.py).

The EICAR string is assembled at run time so that this source file does not
itself carry the signature: an antivirus on a developer's machine or a CI
runner would otherwise quarantine the test.
"""

from __future__ import annotations

import io
import socket
import time
import tracemalloc
import zipfile

import pytest

from portal.config import ConfigurationError
from portal.scanning import (
    ClamdScanner,
    DisabledScanner,
    Scanner,
    ScannerUnavailable,
    ScanResult,
    scanner_from_config,
)
from tests.fixtures.clamav import ClamdServer

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
CLEAN_PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
MIB = 1024 * 1024


class PatternStream(io.RawIOBase):
    """``length`` bytes of a repeated pattern, produced on demand (never all in memory)."""

    def __init__(self, length: int, pattern: bytes = b"clean filler line 0123456789\n") -> None:
        self.remaining = length
        self.block = (pattern * (64 * 1024 // len(pattern) + 1))[: 64 * 1024]
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        count = min(len(buffer), len(self.block), self.remaining)
        buffer[:count] = self.block[:count]
        self.remaining -= count
        self.bytes_read += count
        return count


@pytest.fixture
def scanner(clamd_server: ClamdServer) -> ClamdScanner:
    return ClamdScanner(
        clamd_server.host,
        clamd_server.port,
        timeout=10,
        max_stream_bytes=clamd_server.max_stream_bytes,
    )


def scan_bytes(scanner: Scanner, data: bytes) -> ScanResult:
    return scanner.scan(io.BytesIO(data), size=len(data))


def zipped(name: str, data: bytes, compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def closed_port() -> int:
    """A port that was free a moment ago, so a connect is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("suffix", [b"", b"\n", b"\r\n"], ids=["bare", "lf", "crlf"])
def test_eicar_file_is_infected(scanner: ClamdScanner, suffix: bytes) -> None:
    result = scan_bytes(scanner, EICAR + suffix)
    assert result.is_infected
    assert "Portal.Test.EICAR" in (result.signature or "")


@pytest.mark.parametrize(
    "compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"]
)
def test_eicar_inside_zip_is_infected(scanner: ClamdScanner, compression: int) -> None:
    result = scan_bytes(scanner, zipped("readme.txt", EICAR, compression))
    assert result.is_infected
    assert "Portal.Test.EICAR" in (result.signature or "")


def test_clean_pdf_is_clean(scanner: ClamdScanner) -> None:
    assert scan_bytes(scanner, CLEAN_PDF) == ScanResult.clean()


def test_unix_socket_works_too(clamd_server: ClamdServer) -> None:
    scanner = ClamdScanner(socket_path=clamd_server.socket_path, timeout=10)
    scanner.check()
    assert scan_bytes(scanner, EICAR).is_infected
    assert scan_bytes(scanner, CLEAN_PDF).is_clean


def test_check_answers(scanner: ClamdScanner) -> None:
    scanner.check()


def test_large_clean_stream_uses_bounded_memory(scanner: ClamdScanner) -> None:
    size = 20 * MIB
    stream = PatternStream(size)
    tracemalloc.start()
    try:
        result = scanner.scan(stream, size=size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.is_clean
    assert stream.bytes_read == size
    assert peak < 2 * MIB, f"peak {peak} bytes while scanning {size} bytes"


def test_declared_size_over_limit_is_refused_before_sending(
    scanner: ClamdScanner, clamd_server: ClamdServer
) -> None:
    stream = PatternStream(clamd_server.max_stream_bytes + 1)
    with pytest.raises(ScannerUnavailable, match="exceeds"):
        scanner.scan(stream, size=clamd_server.max_stream_bytes + 1)
    assert stream.bytes_read == 0
    scanner.check()  # clamd is none the worse
    assert scan_bytes(scanner, EICAR).is_infected


def test_stream_longer_than_declared_stops_at_the_limit(clamd_server: ClamdServer) -> None:
    scanner = ClamdScanner(clamd_server.host, clamd_server.port, timeout=10, max_stream_bytes=MIB)
    stream = PatternStream(3 * MIB)
    with pytest.raises(ScannerUnavailable, match="longer than"):
        scanner.scan(stream, size=10)
    assert stream.bytes_read <= MIB + scanner.chunk_size
    scanner.check()


def test_limit_set_above_clamds_gives_unavailable_not_a_verdict(
    clamd_server: ClamdServer,
) -> None:
    """A misconfigured limit must still end as 'no verdict', never as clean."""
    scanner = ClamdScanner(
        clamd_server.host, clamd_server.port, timeout=10, max_stream_bytes=64 * MIB
    )
    size = clamd_server.max_stream_bytes + MIB
    with pytest.raises(ScannerUnavailable):
        scanner.scan(PatternStream(size), size=size)
    scanner.check()


def test_clamd_down_is_unavailable_fast() -> None:
    scanner = ClamdScanner("127.0.0.1", closed_port(), timeout=5)
    started = time.monotonic()
    with pytest.raises(ScannerUnavailable, match="unreachable"):
        scan_bytes(scanner, CLEAN_PDF)
    with pytest.raises(ScannerUnavailable):
        scanner.check()
    assert time.monotonic() - started < 1


def test_missing_unix_socket_is_unavailable(tmp_path) -> None:
    scanner = ClamdScanner(socket_path=str(tmp_path / "nothing.sock"), timeout=5)
    with pytest.raises(ScannerUnavailable, match="unreachable"):
        scanner.check()


def test_disabled_scanner_says_clean_without_reading() -> None:
    stream = PatternStream(100)
    scanner = DisabledScanner()
    assert scanner.enabled is False
    assert scanner.scan(stream, size=100) == ScanResult.clean()
    assert stream.bytes_read == 0
    scanner.check()


def test_scan_result_values() -> None:
    assert ScanResult.clean().is_clean
    infected = ScanResult.infected("Portal.Test.EICAR.UNOFFICIAL")
    assert infected.is_infected
    assert not infected.is_clean
    with pytest.raises(ValueError):
        ScanResult.infected("")


@pytest.mark.parametrize("config", [{}, {"SCANNER": "off"}, {"SCANNER": ""}, {"SCANNER": None}])
def test_config_off_gives_disabled(config: dict) -> None:
    assert isinstance(scanner_from_config(config), DisabledScanner)


def test_config_defaults_for_clamd() -> None:
    scanner = scanner_from_config({"SCANNER": "clamd"})
    assert isinstance(scanner, ClamdScanner)
    assert (scanner.host, scanner.port, scanner.socket_path) == ("127.0.0.1", 3310, None)
    assert scanner.timeout == 30
    assert scanner.max_stream_bytes == 25 * MIB


def test_config_reads_strings_as_environment_gives_them() -> None:
    scanner = scanner_from_config(
        {
            "SCANNER": " ClamD ",
            "CLAMD_HOST": "clamav.internal",
            "CLAMD_PORT": "3311",
            "CLAMD_SOCKET": "",
            "CLAMD_TIMEOUT": "2.5",
            "CLAMD_MAX_STREAM_BYTES": str(10 * MIB),
        }
    )
    assert isinstance(scanner, ClamdScanner)
    assert (scanner.host, scanner.port, scanner.socket_path) == ("clamav.internal", 3311, None)
    assert (scanner.timeout, scanner.max_stream_bytes) == (2.5, 10 * MIB)


def test_config_socket_wins_over_host(clamd_server: ClamdServer) -> None:
    scanner = scanner_from_config(clamd_server.config(unix=True))
    assert isinstance(scanner, ClamdScanner)
    assert scanner.address == f"unix:{clamd_server.socket_path}"
    scanner.check()


def test_config_for_the_fixture_scans(clamd_server: ClamdServer) -> None:
    scanner = scanner_from_config(clamd_server.config())
    assert scan_bytes(scanner, EICAR).is_infected


@pytest.mark.parametrize(
    "config",
    [{"SCANNER": "clamav"}, {"SCANNER": "clamd", "CLAMD_PORT": "three"}],
    ids=["unknown-kind", "bad-port"],
)
def test_config_mistakes_stop_startup(config: dict) -> None:
    with pytest.raises(ConfigurationError):
        scanner_from_config(config)
