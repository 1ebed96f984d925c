"""Connection management: handshake failures, GOAWAY, PING, protocol errors, lost
connections. The real server where it can show the behaviour, a scripted fake server
for what the real one does not do on demand (PING, malformed frames)."""

from __future__ import annotations

import asyncio

import pytest

from atende import Channel, DiagnosticsClient, RpcError, StatusCode
from atende import frames as F
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest, EchoResponse
from atende.rpc.v1 import protocol_pb2 as pb
from support import FakeServer, RawConnection, channel, extra_server, fake_handshake, read_frame

# ---------------------------------------------------------------------- real server


async def test_no_common_version(server):
    raw = await RawConnection.open(server, hello=False)
    raw.send(F.FrameType.HELLO, 0, 0, pb.ClientHello(versions=[3, 4]).SerializeToString())
    header, payload = await raw.read()
    assert header.type == F.FrameType.GOAWAY
    goaway = pb.GoAway.FromString(payload)
    assert goaway.code == StatusCode.FAILED_PRECONDITION
    assert await raw.read() is None  # closed
    raw.close()


async def test_frame_before_hello(server):
    raw = await RawConnection.open(server, hello=False)
    raw.send(F.FrameType.PING, 0, 0, b"12345678")
    header, payload = await raw.read()
    assert header.type == F.FrameType.GOAWAY
    assert pb.GoAway.FromString(payload).code == StatusCode.INVALID_ARGUMENT
    raw.close()


async def test_server_answers_ping(server):
    raw = await RawConnection.open(server)
    raw.send(F.FrameType.PING, 0, 0, b"\x01\x02\x03\x04\x05\x06\x07\x08")
    header, payload = await raw.read()
    assert (header.type, header.flags, header.stream_id, payload) == (
        F.FrameType.PING,
        F.ACK,
        0,
        b"\x01\x02\x03\x04\x05\x06\x07\x08",
    )
    raw.close()


async def test_goaway_instead_of_server_hello():
    with extra_server("--max-connections", "1") as srv:
        first = channel(srv)
        for _ in range(50):  # the fixture's readiness probe may still hold the only slot
            try:
                await first.connect()
                break
            except RpcError:
                await asyncio.sleep(0.05)
        async with first:
            await DiagnosticsClient(first).check()
            second = channel(srv)
            with pytest.raises(RpcError) as info:
                await second.connect()
            assert info.value.code == StatusCode.RESOURCE_EXHAUSTED
            await second.close()


async def test_graceful_shutdown():
    with extra_server("--shutdown-grace-seconds", "5") as srv:
        async with channel(srv) as ch:
            diag = DiagnosticsClient(ch)
            conn = ch._conn
            slow = asyncio.ensure_future(diag.echo(EchoRequest(text="finishes", delay_millis=700), timeout=10))
            await asyncio.sleep(0.2)
            srv.terminate()
            # GOAWAY arrives; the open call runs to completion (§11.3).
            assert (await slow).text == "finishes"
            assert conn.goaway is not None
            assert conn.goaway.code == StatusCode.UNAVAILABLE
            assert conn.goaway.last_stream_id == 1
            assert not conn.usable
            # The server is gone: a new call cannot connect.
            with pytest.raises(RpcError) as info:
                await diag.echo(EchoRequest(text="new"), timeout=5)
            assert info.value.code == StatusCode.UNAVAILABLE


async def test_client_close_sends_goaway_and_server_drains(server):
    async with channel(server) as ch:
        conn = ch._conn
        await DiagnosticsClient(ch).check()
    assert conn.closed
    # Another channel is unaffected.
    async with channel(server) as ch:
        assert (await DiagnosticsClient(ch).echo(EchoRequest(text="x"))).text == "x"


# ---------------------------------------------------------------------- fake server


async def test_client_answers_ping():
    acked = asyncio.get_running_loop().create_future()

    async def handler(reader, writer):
        await fake_handshake(reader, writer)
        writer.write(F.encode_frame(F.FrameType.PING, 0, 0, b"pingpong"))
        header, payload = await read_frame(reader)
        acked.set_result((header.type, header.flags, header.stream_id, payload))
        await reader.read()

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            assert await asyncio.wait_for(acked, 5) == (F.FrameType.PING, F.ACK, 0, b"pingpong")
            assert ch._conn.usable


async def test_goaway_retries_unstarted_call_on_new_connection():
    """Call on stream 2 crosses a GOAWAY{last_stream_id: 1}: it never started, so the
    client replays it on a new connection; call 1 finishes on the old one."""

    async def handler(reader, writer):
        hello = await fake_handshake(reader, writer)
        assert hello.versions == [1, 2]
        if fake.connections == 1:
            headers = []
            while len(headers) < 2:
                header, payload = await read_frame(reader)
                if header.type == F.FrameType.HEADERS:
                    headers.append(header.stream_id)
            goaway = pb.GoAway(last_stream_id=1, code=pb.UNAVAILABLE, message="server shutting down")
            writer.write(F.encode_frame(F.FrameType.GOAWAY, 0, 0, goaway.SerializeToString()))
            refused = pb.CallStatus(code=pb.UNAVAILABLE, message="shutting down", reason="SHUTTING_DOWN")
            writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, 2, refused.SerializeToString()))
            writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, 1, EchoResponse(text="first").SerializeToString()))
            writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, 1))
            await writer.drain()
            await reader.read()
        else:
            while True:
                header, payload = await read_frame(reader)
                if header.type == F.FrameType.MESSAGE:
                    text = EchoRequest.FromString(payload).text
                    writer.write(
                        F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse(text=text).SerializeToString())
                    )
                    writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id))

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            diag = DiagnosticsClient(ch)
            first = asyncio.ensure_future(diag.echo(EchoRequest(text="first"), timeout=5))
            await asyncio.sleep(0.05)
            second = await diag.echo(EchoRequest(text="second"), timeout=5)
            assert second.text == "second"
            assert (await first).text == "first"
            assert fake.connections == 2


async def fake_answering(reader, writer, frames):
    """Handshake, then for the first request MESSAGE reply with `frames(stream_id)`."""
    await fake_handshake(reader, writer)
    while True:
        header, _ = await read_frame(reader)
        if header.type == F.FrameType.MESSAGE:
            data = frames(header.stream_id)
            if not data:
                return  # the handler's caller closes the connection
            writer.write(data)
            await writer.drain()
            break
    await reader.read()


@pytest.mark.parametrize(
    "frames, code",
    [
        # TRAILERS OK without a response (unary): INTERNAL
        (lambda s: F.encode_frame(F.FrameType.TRAILERS, 0, s), StatusCode.INTERNAL),
        # two responses on a unary call: INTERNAL
        (
            lambda s: F.encode_frame(F.FrameType.MESSAGE, 0, s) * 2 + F.encode_frame(F.FrameType.TRAILERS, 0, s),
            StatusCode.INTERNAL,
        ),
        # undecodable response: INTERNAL
        (lambda s: F.encode_frame(F.FrameType.MESSAGE, 0, s, b"\xff\xff"), StatusCode.INTERNAL),
        # a status code number the client does not know: UNKNOWN
        (lambda s: F.encode_frame(F.FrameType.TRAILERS, 0, s, pb.CallStatus(code=99).SerializeToString()), StatusCode.UNKNOWN),
        # unknown frame type: connection error, reported as UNAVAILABLE
        (lambda s: F.encode_frame(0x0B, 0, s), StatusCode.UNAVAILABLE),
        # WINDOW_UPDATE on a version 1 connection: an unknown frame type there
        (lambda s: F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, s, b"\0\0\0\x01"), StatusCode.UNAVAILABLE),
        # MESSAGE on stream 0: connection error
        (lambda s: F.encode_frame(F.FrameType.MESSAGE, 0, 0), StatusCode.UNAVAILABLE),
        # a response frame over the client's max frame size: RESOURCE_EXHAUSTED
        (lambda s: F.encode_frame(F.FrameType.MESSAGE, 0, s, b"\0" * ((1 << 20) + 1)), StatusCode.RESOURCE_EXHAUSTED),
        # connection closed mid-call: UNAVAILABLE
        (lambda s: b"", StatusCode.UNAVAILABLE),
    ],
)
async def test_client_side_failures(frames, code):
    async def handler(reader, writer):
        await fake_answering(reader, writer, frames)

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            diag = DiagnosticsClient(ch)
            with pytest.raises(RpcError) as info:
                await diag.echo(EchoRequest(text="x"), timeout=5)
            assert info.value.code == code


async def test_connection_lost_then_reconnect():
    async def handler(reader, writer):
        await fake_handshake(reader, writer)
        if fake.connections == 1:
            await read_frame(reader)  # HEADERS
            writer.close()
            return
        await fake_answering_loop(reader, writer)

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            diag = DiagnosticsClient(ch)
            with pytest.raises(RpcError) as info:
                await diag.echo(EchoRequest(text="lost"), timeout=5)
            assert info.value.code == StatusCode.UNAVAILABLE
            assert (await diag.echo(EchoRequest(text="again"), timeout=5)).text == "again"
            assert fake.connections == 2


async def fake_answering_loop(reader, writer):
    while True:
        header, payload = await read_frame(reader)
        if header.type == F.FrameType.MESSAGE:
            text = EchoRequest.FromString(payload).text
            writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse(text=text).SerializeToString()))
            writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id))


async def test_timeout_micros_and_metadata_on_the_wire():
    seen = asyncio.get_running_loop().create_future()

    async def handler(reader, writer):
        await fake_handshake(reader, writer)
        header, payload = await read_frame(reader)
        seen.set_result((header, pb.CallHeader.FromString(payload)))
        await reader.read()

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            call = asyncio.ensure_future(
                DiagnosticsClient(ch).echo(
                    EchoRequest(), timeout=2.5, metadata={"request-id": "r1", "blob-bin": b"\x00\xff"}
                )
            )
            header, call_header = await asyncio.wait_for(seen, 5)
            call.cancel()
            assert header.type == F.FrameType.HEADERS and header.stream_id == 1
            assert 2_000_000 < call_header.timeout_micros <= 2_500_000
            assert [(m.key, m.WhichOneof("value")) for m in call_header.metadata] == [
                ("request-id", "text"),
                ("blob-bin", "binary"),
            ]
            assert call_header.metadata[1].binary == b"\x00\xff"
            with pytest.raises(ValueError):
                await DiagnosticsClient(ch).echo(EchoRequest(), metadata={"Bad Key": "x"})
            with pytest.raises(ValueError):
                await DiagnosticsClient(ch).echo(EchoRequest(), metadata={"atende-reserved": "x"})


async def test_cancellation_and_deadline_send_cancel_frames():
    frames = asyncio.Queue()

    async def handler(reader, writer):
        await fake_handshake(reader, writer)
        while True:
            header, _ = await read_frame(reader)
            await frames.put((F.FrameType(header.type), header.flags, header.stream_id))

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            diag = DiagnosticsClient(ch)
            task = asyncio.ensure_future(diag.echo(EchoRequest()))
            assert await frames.get() == (F.FrameType.HEADERS, 0, 1)
            assert await frames.get() == (F.FrameType.MESSAGE, F.END_STREAM, 1)
            task.cancel()
            assert await asyncio.wait_for(frames.get(), 5) == (F.FrameType.CANCEL, 0, 1)
            with pytest.raises(asyncio.CancelledError):
                await task

            with pytest.raises(RpcError) as info:
                await diag.echo(EchoRequest(), timeout=0.1)
            assert info.value.code == StatusCode.DEADLINE_EXCEEDED
            assert [await frames.get() for _ in range(3)] == [
                (F.FrameType.HEADERS, 0, 2),
                (F.FrameType.MESSAGE, F.END_STREAM, 2),
                (F.FrameType.CANCEL, 0, 2),
            ]

            # client streaming: HEADERS, MESSAGE, HALF_CLOSE
            collect = asyncio.ensure_future(diag.echo_collect([EchoRequest()]))
            assert [await frames.get() for _ in range(3)] == [
                (F.FrameType.HEADERS, 0, 3),
                (F.FrameType.MESSAGE, 0, 3),
                (F.FrameType.HALF_CLOSE, 0, 3),
            ]
            collect.cancel()
            assert await asyncio.wait_for(frames.get(), 5) == (F.FrameType.CANCEL, 0, 3)
            with pytest.raises(asyncio.CancelledError):
                await collect


async def test_stream_ids_exhausted_opens_new_connection(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        first = ch._conn
        first._next_id = F.MAX_STREAM_ID
        response, call = await ch.unary_unary(
            "/atende.diagnostics.v1.Diagnostics/Echo", EchoRequest(text="last id"), EchoResponse, with_call=True
        )
        assert response.text == "last id" and call.stream_id == F.MAX_STREAM_ID
        assert not first.usable
        assert (await diag.echo(EchoRequest(text="next"))).text == "next"
        assert ch._conn is not first and ch._conn._next_id == 2
        await asyncio.sleep(0)
        assert first.closed
