"""Status codes, structured error details, deadlines and cancellation."""

from __future__ import annotations

import asyncio
import time

import pytest

from atende import DiagnosticsClient, FieldViolation, RpcError, StatusCode
from atende.connection import Connection
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest, EchoResponse
from support import channel

SERVICE = "atende.diagnostics.v1.Diagnostics"


async def test_fail_with_every_code(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        for code in range(1, 17):
            with pytest.raises(RpcError) as info:
                await diag.echo(EchoRequest(text=f"failure {code}", fail_with_code=code))
            error = info.value
            assert error.code == StatusCode(code)
            assert error.message == f"failure {code}"
            assert not error.local


async def test_errors_in_every_call_kind(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        failing = EchoRequest(text="nope", fail_with_code=StatusCode.NOT_FOUND)
        with pytest.raises(RpcError) as info:
            [r async for r in diag.echo_expand(failing)]
        assert info.value.code == StatusCode.NOT_FOUND
        with pytest.raises(RpcError) as info:
            await diag.echo_collect([EchoRequest(text="ok"), failing])
        assert info.value.code == StatusCode.NOT_FOUND
        with pytest.raises(RpcError) as info:
            [r async for r in diag.echo_chat([EchoRequest(text="ok"), failing])]
        assert info.value.code == StatusCode.NOT_FOUND


async def test_field_violation(server):
    async with channel(server) as ch:
        with pytest.raises(RpcError) as info:
            await DiagnosticsClient(ch).echo(EchoRequest(delay_millis=60_001))
        error = info.value
        assert error.code == StatusCode.INVALID_ARGUMENT
        assert error.message
        assert [v.field for v in error.field_violations] == ["delay_millis"]
        violation = error.field_violations[0]
        assert isinstance(violation, FieldViolation)
        assert violation.reason and violation.reason == violation.reason.upper()
        assert "delay_millis" in str(error)


async def test_unknown_method_and_service(server):
    async with channel(server) as ch:
        for method in (f"/{SERVICE}/NoSuchMethod", "/atende.nope.v1.Nope/Echo"):
            with pytest.raises(RpcError) as info:
                await ch.unary_unary(method, EchoRequest(), EchoResponse)
            assert info.value.code == StatusCode.UNIMPLEMENTED
            assert method in info.value.message
        # the connection is still fine
        assert (await DiagnosticsClient(ch).echo(EchoRequest(text="ok"))).text == "ok"


async def test_deadline_exceeded_quickly(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        start = time.monotonic()
        with pytest.raises(RpcError) as info:
            await diag.echo(EchoRequest(delay_millis=2000), timeout=0.2)
        elapsed = time.monotonic() - start
        assert info.value.code == StatusCode.DEADLINE_EXCEEDED
        assert 0.15 < elapsed < 1.0
        assert ch._conn.open_calls == 0
        assert (await diag.echo(EchoRequest(text="after"), timeout=5)).text == "after"


async def test_server_enforces_timeout_micros(server, monkeypatch):
    """With the local timer disabled, the server's own TRAILERS DEADLINE_EXCEEDED arrives:
    timeout_micros was sent and understood."""
    monkeypatch.setattr(Connection, "_deadline_expired", lambda self, stream: None)
    async with channel(server) as ch:
        start = time.monotonic()
        with pytest.raises(RpcError) as info:
            await DiagnosticsClient(ch).echo(EchoRequest(delay_millis=3000), timeout=0.3)
        assert info.value.code == StatusCode.DEADLINE_EXCEEDED
        assert not info.value.local
        assert time.monotonic() - start < 2.0


async def test_deadline_on_streams(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        received = []
        with pytest.raises(RpcError) as info:
            async with diag.echo_chat(timeout=0.3) as chat:
                await chat.send(EchoRequest(text="quick"))
                received.append(await chat.recv())
                await chat.send(EchoRequest(text="slow", delay_millis=5000))
                await chat.recv()
        assert info.value.code == StatusCode.DEADLINE_EXCEEDED
        assert [r.text for r in received] == ["quick"]


async def test_cancel_task_then_connection_still_works(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        task = asyncio.ensure_future(diag.echo(EchoRequest(delay_millis=5000)))
        await asyncio.sleep(0.2)
        assert ch._conn.open_calls == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert ch._conn.open_calls == 0
        assert (await diag.echo(EchoRequest(text="still here"), timeout=5)).text == "still here"
        assert (await diag.check()).status == 1


async def test_cancel_streams(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        # Stop reading a long server stream early: leaving `async with` sends CANCEL.
        async with diag.echo_expand(EchoRequest(text="x", repeat=100_000)) as stream:
            async for response in stream:
                if response.sequence == 10:
                    break
        assert stream.code == StatusCode.CANCELLED
        # Explicit cancel of a bidi call.
        chat = diag.echo_chat()
        await chat.send(EchoRequest(text="a", delay_millis=3000))
        chat.cancel()
        with pytest.raises(RpcError) as info:
            await chat.recv()
        assert info.value.code == StatusCode.CANCELLED and info.value.local
        # A task streaming requests is cancelled mid-stream.

        async def endless():
            while True:
                await asyncio.sleep(0.01)
                yield EchoRequest(text="x")

        task = asyncio.ensure_future(diag.echo_collect(endless()))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.05)
        assert ch._conn.open_calls == 0
        responses = [r.sequence async for r in diag.echo_expand(EchoRequest(repeat=3))]
        assert responses == [0, 1, 2]
