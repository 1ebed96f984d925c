"""Protocol version 2's per-stream flow control (PROTOCOL.md §13): against the real
server (a stalled stream holds only its window; other calls go on) and a scripted fake
server for what the real one does not do on demand (a small window for requests,
sending past the client's window)."""

from __future__ import annotations

import asyncio
import struct

import pytest

from atende import Channel, DiagnosticsClient, RpcError, StatusCode
from atende import frames as F
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest, EchoResponse
from atende.rpc.v1 import protocol_pb2 as pb
from support import FakeServer, channel, fake_handshake, read_frame

WINDOW = 4096
MAX_FRAME = 1024


def buffered_cost(call) -> int:
    """What the responses a call holds, not yet taken, cost against its window."""
    return sum(cost for _, cost in call._stream.messages)


async def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.005)


# ---------------------------------------------------------------------- real server


async def test_version_2_is_chosen_with_the_windows(server):
    async with channel(server, max_frame_size=MAX_FRAME, initial_window_size=WINDOW) as ch:
        hello = await ch.connect()
        assert hello.version == 2
        assert hello.initial_window_size >= hello.max_frame_size + 10
        assert ch._conn.flow_control


async def test_stalled_stream_holds_only_its_window_and_others_go_on(server):
    async with channel(server, max_frame_size=MAX_FRAME, initial_window_size=WINDOW) as ch:
        diag = DiagnosticsClient(ch)
        payload = b"x" * 300  # each response costs a little over 310 bytes
        async with diag.echo_expand(EchoRequest(payload=payload, repeat=500)) as call:
            first = await call.recv()
            assert first.sequence == 0
            # Nobody takes responses: the server sends up to the window and waits.
            await wait_until(lambda: buffered_cost(call) > WINDOW - 330)
            await asyncio.sleep(0.3)  # time in which a server ignoring the window would send more
            assert buffered_cost(call) <= WINDOW
            assert not call.done
            # The same connection serves other calls meanwhile.
            for i in range(20):
                assert (await diag.echo(EchoRequest(text=f"call {i}"))).text == f"call {i}"
            # Taking the responses grants the window back: all of them arrive, in order.
            sequences = [first.sequence] + [r.sequence async for r in call]
            assert sequences == list(range(500))


async def test_request_stream_longer_than_the_servers_window(server):
    async with channel(server, max_frame_size=MAX_FRAME, initial_window_size=WINDOW) as ch:
        hello = await ch.connect()
        # More request bytes than one window: the client waits for WINDOW_UPDATEs.
        count = hello.initial_window_size // 800 + 50
        requests = [EchoRequest(text=str(i), payload=b"p" * 790) for i in range(count)]
        responses = [r.text async for r in DiagnosticsClient(ch).echo_chat(requests, timeout=20)]
        assert responses == [str(i) for i in range(count)]


# ---------------------------------------------------------------------- fake server


async def test_client_waits_for_the_servers_window_then_goes_on():
    received = []
    got_two = asyncio.Event()
    window_sent = asyncio.Event()

    async def handler(reader, writer):
        await fake_handshake(reader, writer, version=2, max_frame_size=MAX_FRAME, initial_window_size=MAX_FRAME + 10)
        while True:
            header, payload = await read_frame(reader)
            if header.type == F.FrameType.MESSAGE:
                received.append(len(payload))
                if len(received) == 2:
                    got_two.set()
                    await window_sent.wait()
            elif header.type == F.FrameType.HALF_CLOSE:
                writer.write(
                    F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse(text="done").SerializeToString())
                    + F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id)
                )
            elif header.type == F.FrameType.WINDOW_UPDATE:
                pass

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            # 503-byte requests cost 513: two fit in 1,034 bytes, the third waits.
            requests = [EchoRequest(payload=b"r" * 500) for _ in range(3)]
            call = asyncio.ensure_future(DiagnosticsClient(ch).echo_collect(requests, timeout=5))
            await asyncio.wait_for(got_two.wait(), 5)
            await asyncio.sleep(0.2)  # time in which a third request would arrive
            assert received == [503, 503]
            assert not call.done()
            window_sent.set()
            fake.writers[0].write(F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 1, struct.pack(">I", 600)))
            assert (await call).text == "done"
            assert received == [503, 503, 503]


async def test_client_grants_back_what_the_caller_took():
    grants = []
    granted = asyncio.Event()

    async def handler(reader, writer):
        hello = await fake_handshake(reader, writer, version=2)
        assert hello.initial_window_size == WINDOW
        header, _ = await read_frame(reader)  # HEADERS
        stream = header.stream_id
        response = EchoResponse(payload=b"g" * 990).SerializeToString()  # costs 10 + 993
        writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, stream, response) * 4)  # 4,012 of 4,096
        while sum(grants) < 2 * (10 + len(response)):
            header, payload = await read_frame(reader)
            if header.type == F.FrameType.WINDOW_UPDATE:
                assert header.stream_id == stream
                grants.append(struct.unpack(">I", payload)[0])
        granted.set()
        writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, stream))
        await reader.read()

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port, max_frame_size=MAX_FRAME, initial_window_size=WINDOW) as ch:
            async with DiagnosticsClient(ch).echo_expand(EchoRequest()) as call:
                await call.recv()
                await call.recv()
                await asyncio.wait_for(granted.wait(), 5)
                assert sum(grants) == 2 * 1003
                assert len([r async for r in call]) == 2


async def test_server_sending_past_the_window_fails_the_call_not_the_connection():
    cancelled = asyncio.get_running_loop().create_future()

    async def handler(reader, writer):
        await fake_handshake(reader, writer, version=2)
        while True:
            header, payload = await read_frame(reader)
            if header.type == F.FrameType.HEADERS and pb.CallHeader.FromString(payload).method.endswith("EchoExpand"):
                response = EchoResponse(payload=b"o" * 1000).SerializeToString()
                writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, response) * 3)
            elif header.type == F.FrameType.CANCEL and not cancelled.done():
                cancelled.set_result(header.stream_id)
            elif header.type == F.FrameType.MESSAGE and header.stream_id != 1:
                writer.write(
                    F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse(text="ok").SerializeToString())
                    + F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id)
                )

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port, max_frame_size=MAX_FRAME, initial_window_size=2048) as ch:
            diag = DiagnosticsClient(ch)
            async with diag.echo_expand(EchoRequest()) as call:
                # Takes nothing (so grants nothing) until the client has cancelled.
                assert await asyncio.wait_for(cancelled, 5) == 1
                with pytest.raises(RpcError) as info:
                    async for _ in call:
                        pass
            assert info.value.code == StatusCode.INTERNAL
            assert info.value.reason == "FLOW_CONTROL_VIOLATION"
            assert (await diag.echo(EchoRequest(), timeout=5)).text == "ok"
            assert fake.connections == 1


@pytest.mark.parametrize(
    "frame, complaint",
    [
        (F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 1, struct.pack(">I", 0)), "WINDOW_UPDATE of 0"),
        (F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 1, b"\0\0\1"), "payload of 3 bytes"),
        (F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 7, struct.pack(">I", 5)), "never opened"),
        (F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 1, struct.pack(">I", 1 << 31)), "past"),
        (F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, 0, struct.pack(">I", 5)), "stream 0"),
    ],
)
async def test_malformed_window_updates_are_connection_errors(frame, complaint):
    async def handler(reader, writer):
        await fake_handshake(reader, writer, version=2)
        await read_frame(reader)  # HEADERS
        writer.write(frame)
        await reader.read()

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port) as ch:
            with pytest.raises(RpcError) as info:
                async for _ in DiagnosticsClient(ch).echo_chat([EchoRequest()], timeout=5):
                    pass
            assert info.value.code == StatusCode.UNAVAILABLE
            assert complaint in info.value.message


async def test_window_below_the_largest_message_fails_the_handshake():
    async def handler(reader, writer):
        await fake_handshake(reader, writer, version=2, max_frame_size=4096, initial_window_size=1000)
        await reader.read()

    async with FakeServer(handler) as fake:
        with pytest.raises(RpcError) as info:
            async with Channel(fake.host, fake.port, retries=0):
                pass
        assert info.value.code == StatusCode.UNAVAILABLE
        assert "initial_window_size" in info.value.message
