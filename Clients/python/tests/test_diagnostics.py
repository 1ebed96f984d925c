"""Every call kind of atende.diagnostics.v1.Diagnostics against the Swift server."""

from __future__ import annotations

import asyncio

from atende import DiagnosticsClient, StatusCode
from atende.diagnostics.v1.diagnostics_pb2 import (
    EchoRequest,
    EchoResponse,
    HealthCheckRequest,
    HealthCheckResponse,
    MethodInfo,
)
from support import channel

SERVICE = "atende.diagnostics.v1.Diagnostics"


async def test_handshake(server):
    async with channel(server) as ch:
        hello = ch.server_hello
        assert hello.version == 2
        assert hello.agent
        assert hello.max_frame_size == 1 << 20
        assert hello.max_concurrent_calls == 1024
        assert hello.idle_timeout_millis == 300_000
        assert await ch.ping(timeout=5) < 5


async def test_check(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        assert (await diag.check()).status == HealthCheckResponse.SERVING
        assert (await diag.check(HealthCheckRequest(service=SERVICE))).status == HealthCheckResponse.SERVING
        unknown = await diag.check(HealthCheckRequest(service="atende.nope.v1.Nope"))
        assert unknown.status == HealthCheckResponse.SERVICE_UNKNOWN


async def test_server_info_lists_diagnostics_methods(server):
    async with channel(server) as ch:
        info = await DiagnosticsClient(ch).get_server_info()
        assert info.version
        assert 1 in info.protocol_versions
        assert info.started_at.seconds > 0
        names = [s.name for s in info.services]
        assert names == sorted(names)
        (diagnostics,) = [s for s in info.services if s.name == SERVICE]
        assert [(m.name, m.kind) for m in diagnostics.methods] == [
            ("Check", MethodInfo.UNARY),
            ("Watch", MethodInfo.SERVER_STREAMING),
            ("GetServerInfo", MethodInfo.UNARY),
            ("Echo", MethodInfo.UNARY),
            ("EchoExpand", MethodInfo.SERVER_STREAMING),
            ("EchoCollect", MethodInfo.CLIENT_STREAMING),
            ("EchoChat", MethodInfo.BIDIRECTIONAL_STREAMING),
        ]


async def test_health_watch_reports_serving(server):
    async with channel(server) as ch:
        call = DiagnosticsClient(ch).watch(timeout=10)
        async for response in call:
            assert response.status == HealthCheckResponse.SERVING
            break
        call.cancel()


async def test_unary_echo(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        payload = bytes(range(256)) * 4
        response = await diag.echo(EchoRequest(text="olá, 世界", payload=payload), timeout=5)
        assert response == EchoResponse(text="olá, 世界", payload=payload, sequence=0)
        # All fields at their defaults: a zero-length MESSAGE each way.
        assert await diag.echo(EchoRequest()) == EchoResponse()


async def test_unary_echo_with_call_and_metadata(server):
    async with channel(server) as ch:
        response, call = await ch.unary_unary(
            f"/{SERVICE}/Echo",
            EchoRequest(text="m"),
            EchoResponse,
            metadata=[("request-id", "abc-123"), ("trace-bin", b"\x00\x01")],
            with_call=True,
        )
        assert response.text == "m"
        assert call.code == StatusCode.OK
        assert call.trailing_metadata == []


async def test_large_message_round_trip(server):
    async with channel(server) as ch:
        payload = b"\xab" * 1_000_000
        response = await DiagnosticsClient(ch).echo(EchoRequest(payload=payload), timeout=10)
        assert response.payload == payload


async def test_server_streaming(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        responses = [r async for r in diag.echo_expand(EchoRequest(text="x", payload=b"p", repeat=5))]
        assert [r.sequence for r in responses] == [0, 1, 2, 3, 4]
        assert all(r.text == "x" and r.payload == b"p" for r in responses)
        # repeat 0 counts as 1
        assert [r.sequence async for r in diag.echo_expand(EchoRequest(text="once"))] == [0]
        many = [r.sequence async for r in diag.echo_expand(EchoRequest(repeat=2000))]
        assert many == list(range(2000))


async def test_server_streaming_recv_by_hand(server):
    async with channel(server) as ch:
        async with DiagnosticsClient(ch).echo_expand(EchoRequest(text="h", repeat=2)) as call:
            assert (await call.recv()).sequence == 0
            assert (await call.recv()).sequence == 1
            assert await call.recv() is None
            assert call.code == StatusCode.OK


async def test_client_streaming(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        requests = [EchoRequest(text=t, payload=t.encode()) for t in ("a", "b", "c")]
        response = await diag.echo_collect(requests)
        assert (response.text, response.payload) == ("abc", b"abc")

        async def generate():
            for i in range(10):
                await asyncio.sleep(0)
                yield EchoRequest(text=str(i))

        assert (await diag.echo_collect(generate())).text == "0123456789"
        # zero requests
        assert (await diag.echo_collect([])).text == ""


async def test_bidirectional_interactive(server):
    async with channel(server) as ch:
        async with DiagnosticsClient(ch).echo_chat(timeout=10) as chat:
            for i in range(5):
                assert await chat.send(EchoRequest(text=f"m{i}"))
                response = await chat.recv()
                assert (response.text, response.sequence) == (f"m{i}", i)
            await chat.done_writing()
            assert await chat.recv() is None
            assert chat.code == StatusCode.OK


async def test_bidirectional_with_request_stream(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        texts = [r.text async for r in diag.echo_chat([EchoRequest(text=str(i)) for i in range(50)])]
        assert texts == [str(i) for i in range(50)]

        async def slow():
            for i in range(3):
                await asyncio.sleep(0.01)
                yield EchoRequest(text=f"s{i}")

        assert [r.text async for r in diag.echo_chat(slow())] == ["s0", "s1", "s2"]
        # zero requests: just HEADERS and HALF_CLOSE
        assert [r async for r in diag.echo_chat([])] == []


async def test_generic_open_call_client_streaming(server):
    async with channel(server) as ch:
        call = ch.open_call(f"/{SERVICE}/EchoCollect", EchoResponse, timeout=5)
        await call.send(EchoRequest(text="x"))
        await call.send(EchoRequest(text="y"), last=True)  # MESSAGE|END_STREAM
        response = await call.single_response()
        assert response.text == "xy"


async def test_many_concurrent_calls_on_one_connection(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        first_connection = ch._conn

        async def one(i):
            if i % 4 == 0:
                return [r.text async for r in diag.echo_expand(EchoRequest(text=str(i), repeat=3))]
            if i % 4 == 1:
                return (await diag.echo_collect([EchoRequest(text=str(i))] * 2)).text
            return (await diag.echo(EchoRequest(text=str(i), delay_millis=i % 50), timeout=10)).text

        results = await asyncio.gather(*(one(i) for i in range(200)))
        for i, result in enumerate(results):
            if i % 4 == 0:
                assert result == [str(i)] * 3
            elif i % 4 == 1:
                assert result == str(i) * 2
            else:
                assert result == str(i)
        assert ch._conn is first_connection
        assert first_connection.open_calls == 0
