"""Frame encoding and validation (PROTOCOL.md §2).

Every frame is a 10-byte header ``length:u32 | type:u8 | flags:u8 | stream:u32``
(big-endian) followed by ``length`` payload bytes.
"""

from __future__ import annotations

import enum
import struct
from typing import NamedTuple

HEADER = struct.Struct(">IBBI")
HEADER_SIZE = HEADER.size  # 10

#: The protocol versions this client speaks, offered in ClientHello (§4): version 2 adds
#: per-stream flow control (§13).
PROTOCOL_VERSIONS = (1, 2)
FLOW_CONTROL_VERSION = 2
DEFAULT_MAX_FRAME_SIZE = 1 << 20  # 1 MiB
#: A stream's flow-control window when HELLO says 0 (§13).
DEFAULT_INITIAL_WINDOW = 2 << 20  # 2 MiB
#: The largest window a stream may have: 2³¹ − 1 bytes (§13).
MAX_WINDOW = (1 << 31) - 1
DEFAULT_MAX_CONCURRENT_CALLS = 1024
MAX_STREAM_ID = (1 << 32) - 1


class FrameType(enum.IntEnum):
    HELLO = 0x01
    HEADERS = 0x02
    MESSAGE = 0x03
    HALF_CLOSE = 0x04
    TRAILERS = 0x05
    CANCEL = 0x06
    PING = 0x07
    GOAWAY = 0x08
    WINDOW_UPDATE = 0x09


END_STREAM = 0x01
ACK = 0x02

#: Frame types that travel on stream 0 (the connection).
CONNECTION_FRAMES = frozenset({FrameType.HELLO, FrameType.PING, FrameType.GOAWAY})
#: Frame types a server may send.
SERVER_FRAMES = frozenset(
    {
        FrameType.HELLO,
        FrameType.MESSAGE,
        FrameType.TRAILERS,
        FrameType.PING,
        FrameType.GOAWAY,
        FrameType.WINDOW_UPDATE,
    }
)


class ProtocolError(Exception):
    """A malformed frame: a connection error (§11.4)."""


class FrameHeader(NamedTuple):
    length: int
    type: int
    flags: int
    stream_id: int


def encode_frame(frame_type: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    """The bytes of one frame: header and payload."""
    return HEADER.pack(len(payload), frame_type, flags, stream_id) + payload


def decode_header(data: bytes) -> FrameHeader:
    """Parses the 10 header bytes (no validation)."""
    return FrameHeader(*HEADER.unpack(data))


def message_cost(payload_length: int) -> int:
    """What a MESSAGE frame costs against its stream's window: header and payload (§13)."""
    return HEADER_SIZE + payload_length


def validate_server_header(header: FrameHeader, version: int = 1) -> None:
    """Raises ProtocolError for a header a server must never send on a connection of
    protocol `version` (§2.2, §11.4)."""
    try:
        frame_type = FrameType(header.type)
    except ValueError:
        raise ProtocolError(f"unknown frame type 0x{header.type:02x}") from None
    if frame_type is FrameType.WINDOW_UPDATE and version < FLOW_CONTROL_VERSION:
        raise ProtocolError(f"unknown frame type 0x{header.type:02x} in protocol version {version}")
    if frame_type not in SERVER_FRAMES:
        raise ProtocolError(f"{frame_type.name} frame from the server")
    if frame_type in CONNECTION_FRAMES:
        if header.stream_id != 0:
            raise ProtocolError(f"{frame_type.name} on stream {header.stream_id}")
    elif header.stream_id == 0:
        raise ProtocolError(f"{frame_type.name} on stream 0")
    if frame_type is FrameType.PING and header.length != 8:
        raise ProtocolError(f"PING payload of {header.length} bytes")
    if frame_type is FrameType.WINDOW_UPDATE and header.length != 4:
        raise ProtocolError(f"WINDOW_UPDATE payload of {header.length} bytes")
