"""Virus scanning of uploads through ClamAV's daemon (clamd).

The portal never trusts an uploaded file until a scanner has seen it. The
embedded default is :class:`DisabledScanner` (scanning off), so a developer
laptop works without ClamAV; the app announces that loudly at start-up.
Production sets ``SCANNER=clamd`` and gets :class:`ClamdScanner`, which speaks
clamd's ``zINSTREAM`` protocol itself: it is about forty lines, streams the
file in chunks (an upload is never held whole in memory) and leaves no
third-party client to keep up to date.

Every failure to get a verdict (clamd down, a timeout, a reply we do not
understand, a file larger than clamd accepts) is a :class:`ScannerUnavailable`,
so the caller has exactly one "no verdict" case to handle, and must treat it
as "not scanned", never as "clean".
"""

from __future__ import annotations

import abc
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from portal.config import ConfigurationError

MIB = 1024 * 1024
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3310
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_STREAM_BYTES = 25 * MIB
CHUNK_SIZE = 64 * 1024
MAX_REPLY_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ScanResult:
    """A scanner's verdict: clean, or infected with a named signature.

    There is no third "unknown" value on purpose: not getting a verdict is an
    exception (:class:`ScannerUnavailable`), so it cannot be mistaken for clean.
    """

    signature: str | None = None

    @classmethod
    def clean(cls) -> ScanResult:
        return cls(None)

    @classmethod
    def infected(cls, signature: str) -> ScanResult:
        if not signature:
            raise ValueError("an infected result needs the signature's name")
        return cls(signature)

    @property
    def is_clean(self) -> bool:
        return self.signature is None

    @property
    def is_infected(self) -> bool:
        return self.signature is not None


class ScannerUnavailable(Exception):
    """No verdict: clamd is down, too slow, refused the stream or answered nonsense.

    The message names the scanner's address and the reason, never file
    content, so it is safe to log.
    """


class Scanner(abc.ABC):
    """What the upload code needs from a virus scanner."""

    enabled: bool = True

    @abc.abstractmethod
    def scan(self, stream: BinaryIO, *, size: int) -> ScanResult:
        """Scan ``stream`` from its current position to its end.

        ``size`` is the upload's declared length, checked against the
        scanner's limit before anything is sent.
        """

    @abc.abstractmethod
    def check(self) -> None:
        """Raise :class:`ScannerUnavailable` unless the scanner answers (health check)."""


class DisabledScanner(Scanner):
    """Scanning switched off: every file is reported clean, without being read."""

    enabled = False

    def scan(self, stream: BinaryIO, *, size: int) -> ScanResult:
        return ScanResult.clean()

    def check(self) -> None:
        return None

    def __repr__(self) -> str:
        return "DisabledScanner()"


class ClamdScanner(Scanner):
    """A client for clamd over TCP or a unix socket, one connection per request.

    ``timeout`` applies to each socket operation (connect, each send, the
    wait for the verdict), so a hung clamd costs at most that long per step.
    ``max_stream_bytes`` must equal clamd's ``StreamMaxLength``: clamd does
    not answer a longer stream, it breaks the connection, so we refuse such a
    file before sending a byte.
    """

    enabled = True

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        socket_path: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_stream_bytes: int = DEFAULT_MAX_STREAM_BYTES,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if timeout <= 0 or max_stream_bytes <= 0 or chunk_size <= 0:
            raise ValueError("timeout, max_stream_bytes and chunk_size must be positive")
        self.host = host
        self.port = port
        self.socket_path = socket_path or None
        self.timeout = timeout
        self.max_stream_bytes = max_stream_bytes
        self.chunk_size = chunk_size

    @property
    def address(self) -> str:
        """Where clamd is, for log messages."""
        return f"unix:{self.socket_path}" if self.socket_path else f"{self.host}:{self.port}"

    def __repr__(self) -> str:
        return f"ClamdScanner({self.address}, max_stream_bytes={self.max_stream_bytes})"

    def check(self) -> None:
        reply = self._request(lambda conn: conn.sendall(b"zPING\0"))
        if reply != "PONG":
            raise ScannerUnavailable(f"clamd at {self.address} answered PING with {reply!r}")

    def scan(self, stream: BinaryIO, *, size: int) -> ScanResult:
        if size > self.max_stream_bytes:
            raise ScannerUnavailable(
                f"file of {size} bytes exceeds the scanner's limit of "
                f"{self.max_stream_bytes} bytes (clamd StreamMaxLength)"
            )
        reply = self._request(lambda conn: self._send_stream(conn, stream))
        return self._verdict(reply)

    def _send_stream(self, conn: socket.socket, stream: BinaryIO) -> None:
        """Send ``stream`` as length-prefixed chunks, ending with a zero-length chunk.

        Counts what it actually reads, because a declared size can be wrong:
        past the limit we stop rather than let clamd break the connection.
        """
        conn.sendall(b"zINSTREAM\0")
        sent = 0
        while chunk := stream.read(self.chunk_size):
            sent += len(chunk)
            if sent > self.max_stream_bytes:
                raise ScannerUnavailable(
                    f"stream is longer than the scanner's limit of {self.max_stream_bytes} bytes"
                )
            conn.sendall(len(chunk).to_bytes(4, "big"))
            conn.sendall(chunk)
        conn.sendall(b"\0\0\0\0")

    def _request(self, send: Callable[[socket.socket], None]) -> str:
        """Connect, let ``send`` write the command, return clamd's NUL-terminated reply."""
        try:
            with self._connect() as conn:
                try:
                    send(conn)
                except (BrokenPipeError, ConnectionResetError) as exc:
                    # clamd may have said why before hanging up (e.g. the size limit).
                    reason = self._read_reply(conn, quiet=True) or type(exc).__name__
                    raise ScannerUnavailable(
                        f"clamd at {self.address} closed the connection: {reason}"
                    ) from exc
                return self._read_reply(conn)
        except TimeoutError as exc:
            raise ScannerUnavailable(
                f"clamd at {self.address} did not answer within {self.timeout} s"
            ) from exc
        except OSError as exc:
            raise ScannerUnavailable(
                f"clamd at {self.address} unreachable: {exc.strerror or type(exc).__name__}"
            ) from exc

    def _connect(self) -> socket.socket:
        if self.socket_path:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.settimeout(self.timeout)
                conn.connect(self.socket_path)
            except BaseException:
                conn.close()
                raise
            return conn
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def _read_reply(self, conn: socket.socket, *, quiet: bool = False) -> str:
        """Read up to the terminating NUL (or the end of the connection)."""
        buffer = bytearray()
        while b"\0" not in buffer and len(buffer) < MAX_REPLY_BYTES:
            try:
                data = conn.recv(MAX_REPLY_BYTES)
            except OSError:
                if quiet:
                    break
                raise
            if not data:
                break
            buffer += data
        return bytes(buffer).split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def _verdict(self, reply: str) -> ScanResult:
        """Turn ``stream: OK`` / ``stream: <SIG> FOUND`` into a result; anything else fails."""
        if reply == "stream: OK":
            return ScanResult.clean()
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            signature = reply.removeprefix("stream: ").removesuffix(" FOUND").strip()
            if signature:
                return ScanResult.infected(signature)
        raise ScannerUnavailable(f"clamd at {self.address} gave no verdict: {reply[:200]!r}")


def _setting(config: Mapping[str, Any], key: str, default: Any, kind: type) -> Any:
    """Read ``key`` as ``kind``; empty means default; a bad value stops start-up."""
    raw = config.get(key)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{key} must be a {kind.__name__}, not {raw!r}") from exc


def scanner_from_config(config: Mapping[str, Any]) -> Scanner:
    """Build the scanner the settings ask for.

    ``SCANNER`` is ``off`` (the default) or ``clamd``; a misspelt value stops
    start-up instead of silently leaving uploads unscanned.
    """
    kind = str(config.get("SCANNER") or "off").strip().lower()
    if kind == "off":
        return DisabledScanner()
    if kind != "clamd":
        raise ConfigurationError(f"SCANNER must be 'off' or 'clamd', not {kind!r}")
    return ClamdScanner(
        host=_setting(config, "CLAMD_HOST", DEFAULT_HOST, str),
        port=_setting(config, "CLAMD_PORT", DEFAULT_PORT, int),
        socket_path=_setting(config, "CLAMD_SOCKET", None, str),
        timeout=_setting(config, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT, float),
        max_stream_bytes=_setting(config, "CLAMD_MAX_STREAM_BYTES", DEFAULT_MAX_STREAM_BYTES, int),
    )
