"""Trace context: the caller's OpenTelemetry span travels as W3C traceparent."""

from __future__ import annotations

import asyncio
import json

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from atende import DiagnosticsClient
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest
from atende.tracing import current_trace_metadata
from support import channel, extra_server

tracer = TracerProvider().get_tracer("atende-tests")


async def access_lines(srv, count: int, timeout: float = 10.0) -> list:
    """The server's access-log lines (JSON logs), once there are `count` of them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        lines = []
        for line in srv.log_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("label") == "atende.access" and entry.get("message") == "call":
                lines.append(entry)
        if len(lines) >= count or loop.time() > deadline:
            return lines
        await asyncio.sleep(0.05)


async def test_a_call_in_a_span_carries_its_trace_to_the_server():
    with extra_server("--log-format", "json") as srv:
        async with channel(srv) as ch:
            diag = DiagnosticsClient(ch)
            with tracer.start_as_current_span("support desk") as span:
                fields = current_trace_metadata()
                await diag.echo(EchoRequest(text="traced"))
            trace_id = format(span.get_span_context().trace_id, "032x")
            assert fields["traceparent"].split("-")[1] == trace_id
            # Outside any span: no trace context is sent.
            assert current_trace_metadata() == {}
            await diag.echo(EchoRequest(text="untraced"))
            # A traceparent given explicitly is sent as is.
            given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            with tracer.start_as_current_span("ignored"):
                await diag.echo(EchoRequest(text="explicit"), metadata={"traceparent": given})
        lines = await access_lines(srv, 3)
        echoes = [line for line in lines if line["rpc.method"] == "/atende.diagnostics.v1.Diagnostics/Echo"]
        assert [line.get("trace_id") for line in echoes] == [trace_id, None, "4bf92f3577b34da6a3ce929d0e0e4736"]
        assert all(line["rpc.identity"] == "pytest" for line in echoes if "rpc.identity" in line)


async def test_no_span_no_metadata():
    assert trace.get_current_span().get_span_context().is_valid is False
    assert current_trace_metadata() == {}
