"""PROTOCOL.md §14: our frame encoding (with Google's protobuf runtime) reproduces the
documented bytes exactly, and the live server answers the documented request as shown."""

from __future__ import annotations

import asyncio
import re

import pytest

from atende import frames as F
from atende.diagnostics.v1 import diagnostics_pb2 as d
from atende.rpc.v1 import protocol_pb2 as pb
from support import REPO, extra_server

PROTOCOL = (REPO / "docs" / "PROTOCOL.md").read_text()


def section_14() -> str:
    start = PROTOCOL.index("## 14. Example")
    return PROTOCOL[start : PROTOCOL.index("## 15.", start)]


def xxd_block(direction: str) -> bytes:
    """The bytes of the 'as they appear on the socket' dump for C→S or S→C."""
    dump = section_14().split("as they appear on the socket")[1].split("```")[1]
    part = dump.split(direction + "\n")[1]
    data = bytearray()
    for line in part.splitlines():
        m = re.match(r"([0-9a-f]{8}): ((?:[0-9a-f]{2} ?)+)", line)
        if not m:
            break
        assert int(m.group(1), 16) == len(data)
        data += bytes.fromhex(m.group(2))
    return bytes(data)


def annotated_frames(block: str) -> list:
    """Frames from an annotated dump: each line's hex bytes before the comment."""
    frames, current = [], None
    for line in block.splitlines():
        text = line.strip()
        if re.match(r"^(#\d+ )?(C→S|S→C)", text):
            current = bytearray()
            frames.append(current)
            continue
        if current is None or not text:
            continue
        code = re.split(r"\s{2,}", text)[0].replace("|", " ")
        if re.fullmatch(r"(?:[0-9a-f]{2}\s*)+", code):
            current += bytes.fromhex(code)
    return [bytes(f) for f in frames]


CLIENT_HELLO = pb.ClientHello(versions=[1], agent="example")
SERVER_HELLO = pb.ServerHello(
    version=1,
    agent="atende-server",
    max_frame_size=1048576,
    max_concurrent_calls=1024,
    idle_timeout_millis=300000,
    connection_metadata=True,
)
CALL_HEADER = pb.CallHeader(method="/atende.diagnostics.v1.Diagnostics/Echo", timeout_micros=5000000)


def client_frames() -> list:
    return [
        F.encode_frame(F.FrameType.HELLO, 0, 0, CLIENT_HELLO.SerializeToString()),
        F.encode_frame(F.FrameType.HEADERS, 0, 1, CALL_HEADER.SerializeToString()),
        F.encode_frame(F.FrameType.MESSAGE, F.END_STREAM, 1, d.EchoRequest(text="hi").SerializeToString()),
    ]


def server_frames() -> list:
    return [
        F.encode_frame(F.FrameType.HELLO, 0, 0, SERVER_HELLO.SerializeToString()),
        F.encode_frame(F.FrameType.MESSAGE, 0, 1, d.EchoResponse(text="hi").SerializeToString()),
        F.encode_frame(F.FrameType.TRAILERS, 0, 1, pb.CallStatus().SerializeToString()),
    ]


def test_socket_dump_client_to_server():
    expected = xxd_block("C→S")
    assert len(expected) == 92
    assert b"".join(client_frames()) == expected


def test_socket_dump_server_to_client():
    expected = xxd_block("S→C")
    assert len(expected) == 64
    assert b"".join(server_frames()) == expected


def test_annotated_frames_match_encoding():
    block = section_14().split("```")[1]
    frames = annotated_frames(block)
    c, s = client_frames(), server_frames()
    assert frames == [c[0], s[0], c[1], c[2], s[1], s[2]]


def test_failing_call_trailers():
    block = section_14().split("**A failing call.**")[1].split("```")[1]
    (frame,) = annotated_frames(block)
    status = pb.CallStatus(
        code=pb.INVALID_ARGUMENT,
        message="invalid request",
        field_violations=[
            pb.FieldViolation(field="ticket.title", reason="REQUIRED", description="title must not be empty")
        ],
    )
    assert frame == F.encode_frame(F.FrameType.TRAILERS, 0, 3, status.SerializeToString())
    header = F.decode_header(frame[: F.HEADER_SIZE])
    assert header == (70, F.FrameType.TRAILERS, 0, 3)
    assert pb.CallStatus.FromString(frame[F.HEADER_SIZE :]) == status


def test_decode_documented_server_frames():
    data = xxd_block("S→C")
    decoded = []
    while data:
        header = F.decode_header(data[: F.HEADER_SIZE])
        F.validate_server_header(header)
        decoded.append((header, data[F.HEADER_SIZE : F.HEADER_SIZE + header.length]))
        data = data[F.HEADER_SIZE + header.length :]
    assert [h.type for h, _ in decoded] == [F.FrameType.HELLO, F.FrameType.MESSAGE, F.FrameType.TRAILERS]
    assert pb.ServerHello.FromString(decoded[0][1]) == SERVER_HELLO
    assert d.EchoResponse.FromString(decoded[1][1]) == d.EchoResponse(text="hi")
    assert decoded[2][1] == b""


def test_invalid_headers_are_rejected():
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(0, 0x00, 0, 0))  # type 0
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(0, 0x09, 0, 1))  # unknown type
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(0, F.FrameType.MESSAGE, 0, 0))  # stream 0
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(8, F.FrameType.PING, 0, 1))  # PING on a stream
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(7, F.FrameType.PING, 0, 0))  # PING of 7 bytes
    with pytest.raises(F.ProtocolError):
        F.validate_server_header(F.FrameHeader(0, F.FrameType.CANCEL, 0, 1))  # C→S only


async def test_live_server_answers_the_documented_exchange():
    """The documented C→S bytes, sent as-is, get the documented S→C frames back (the
    server's agent string carries its version, so ServerHello is compared field by field).

    The documented call carries no `authorization` entry, so it is answered as shown only
    by a server without authentication (`--no-auth`); the session server would refuse it
    with UNAUTHENTICATED."""
    with extra_server("--no-auth") as server:
        await _documented_exchange(server)


async def _documented_exchange(server):
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        c2s = xxd_block("C→S")
        hello_len = F.HEADER_SIZE + 12
        writer.write(c2s[:hello_len])  # #3 and #4 only after #2 (§14)
        header = F.decode_header(await reader.readexactly(F.HEADER_SIZE))
        assert (header.type, header.flags, header.stream_id) == (F.FrameType.HELLO, 0, 0)
        hello = pb.ServerHello.FromString(await reader.readexactly(header.length))
        expected = pb.ServerHello()
        expected.CopyFrom(SERVER_HELLO)
        expected.agent = hello.agent
        assert hello == expected
        assert hello.agent.startswith("atende-server")
        writer.write(c2s[hello_len:])
        rest = xxd_block("S→C")[F.HEADER_SIZE + SERVER_HELLO.ByteSize() :]
        assert await asyncio.wait_for(reader.readexactly(len(rest)), 5) == rest
    finally:
        writer.close()
