"""Frame size and concurrency limits (PROTOCOL.md §12)."""

from __future__ import annotations

import asyncio
import time

import pytest

from atende import DiagnosticsClient, ReferenceDataClient, RpcError, StatusCode
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest, EchoResponse
from atende.reference.v1.reference_pb2 import Employee, UpsertEmployeesRequest
from support import channel, extra_server

ECHO = "/atende.diagnostics.v1.Diagnostics/Echo"


async def test_client_refuses_oversized_request_locally(server):
    async with channel(server) as ch:
        diag = DiagnosticsClient(ch)
        conn = ch._conn
        next_id = conn._next_id
        with pytest.raises(RpcError) as info:
            await diag.echo(EchoRequest(payload=b"\0" * ch.server_hello.max_frame_size))
        assert info.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert info.value.local
        assert conn._next_id == next_id  # nothing was sent
        # In a stream: the call is cancelled, the connection stays.
        chat = diag.echo_chat()
        assert await chat.send(EchoRequest(text="fine"))
        with pytest.raises(RpcError) as info:
            await chat.send(EchoRequest(payload=b"\0" * (1 << 20)))
        assert info.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert (await diag.echo(EchoRequest(text="ok"))).text == "ok"


async def test_server_rejects_oversized_message_and_keeps_connection(server):
    async with channel(server) as ch:
        limit = ch.server_hello.max_frame_size
        payload = EchoRequest(payload=b"\0" * limit).SerializeToString()
        assert len(payload) > limit
        conn = ch._conn
        call = ch.open_call(ECHO, EchoResponse, timeout=10)
        # Bypass the client-side check: the frame goes out as-is.
        assert await call.send_bytes(payload, last=True, _check_size=False)
        with pytest.raises(RpcError) as info:
            await call.recv()
        error = info.value
        assert error.code == StatusCode.RESOURCE_EXHAUSTED
        assert error.reason == "MESSAGE_TOO_LARGE"
        assert not error.local
        # Same connection, still usable.
        assert (await DiagnosticsClient(ch).echo(EchoRequest(text="after"))).text == "after"
        assert ch._conn is conn and conn.usable


async def test_server_respects_client_max_frame_size(server):
    """ClientHello.max_frame_size: a response that would not fit fails the call on the
    server with RESOURCE_EXHAUSTED instead of being sent."""
    async with channel(server, max_frame_size=1000) as ch:
        diag = DiagnosticsClient(ch)
        assert (await diag.echo(EchoRequest(payload=b"x" * 900))).payload == b"x" * 900
        with pytest.raises(RpcError) as info:
            await diag.echo(EchoRequest(payload=b"x" * 2000))
        assert info.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert not info.value.local
        assert (await diag.echo(EchoRequest(text="small"))).text == "small"


async def test_errors_are_bounded_and_fit_client_max_frame_size(server):
    """CallStatus carries at most 100 field violations, fewer when they would not fit the
    client's max_frame_size, and counts the rest (§10.2)."""
    employees = [
        Employee(id=-1, name="", active=True, department_ids=[(1 << 60) + i * 64 + d for d in range(64)])
        for i in range(40)
    ]
    for max_frame_size, at_most in ((1 << 20, 100), (1000, 20)):
        async with channel(server, max_frame_size=max_frame_size) as ch:
            with pytest.raises(RpcError) as info:
                await ReferenceDataClient(ch).upsert_employees(UpsertEmployeesRequest(employees=employees))
            error = info.value
            assert error.code == StatusCode.INVALID_ARGUMENT
            assert 0 < len(error.field_violations) <= at_most
            assert len(error.field_violations) + error.omitted_field_violations == 40 * 66
            assert error.field_violations[0].field == "employees[0].id"
            assert f"and {error.omitted_field_violations} more field violations" in str(error)


async def test_client_respects_max_concurrent_calls():
    with extra_server("--max-concurrent-calls", "4") as srv:
        async with channel(srv) as ch:
            assert ch.server_hello.max_concurrent_calls == 4
            diag = DiagnosticsClient(ch)
            start = time.monotonic()
            results = await asyncio.gather(
                *(diag.echo(EchoRequest(text=str(i), delay_millis=50), timeout=20) for i in range(40))
            )
            assert [r.text for r in results] == [str(i) for i in range(40)]
            # 40 calls, 4 at a time, 50 ms each: at least 10 rounds.
            assert time.monotonic() - start >= 0.45


async def test_server_refuses_calls_over_its_limit():
    """Bypassing the client's limit: the server refuses with TOO_MANY_CALLS."""
    with extra_server("--max-concurrent-calls", "2") as srv:
        async with channel(srv) as ch:
            conn = ch._conn
            conn.max_calls = 10  # pretend the server allowed more
            diag = DiagnosticsClient(ch)
            outcomes = await asyncio.gather(
                *(diag.echo(EchoRequest(delay_millis=300), timeout=10) for _ in range(4)), return_exceptions=True
            )
            errors = [o for o in outcomes if isinstance(o, RpcError)]
            assert len(errors) == 2
            for error in errors:
                assert error.code == StatusCode.RESOURCE_EXHAUSTED
                assert error.reason == "TOO_MANY_CALLS"
