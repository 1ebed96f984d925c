"""Trace context propagation (W3C ``traceparent``), through OpenTelemetry when installed.

With ``opentelemetry-api`` installed (``pip install 'atende[tracing]'``) and a span current
when a call is made, the call's metadata carries the span's context as the configured
propagator writes it — by default W3C ``traceparent`` (and ``tracestate``) — so the
server's span for the call joins the caller's trace. Without OpenTelemetry, or without a
current span, nothing is added; a ``traceparent`` given in ``metadata=`` is always sent as
is.
"""

from __future__ import annotations

from typing import Dict, List

from atende.rpc.v1 import protocol_pb2 as pb

try:  # optional dependency
    from opentelemetry import propagate as _propagate
except ImportError:  # pragma: no cover - exercised when OpenTelemetry is absent
    _propagate = None

#: The W3C trace context metadata key.
TRACEPARENT = "traceparent"


def current_trace_metadata() -> Dict[str, str]:
    """The current OpenTelemetry context's propagation fields (``traceparent``…), or {}."""
    if _propagate is None:
        return {}
    carrier: Dict[str, str] = {}
    _propagate.inject(carrier)
    return carrier


def with_trace_context(entries: List[pb.MetadataEntry]) -> List[pb.MetadataEntry]:
    """`entries` plus the current trace context, unless they carry one already."""
    if any(entry.key == TRACEPARENT for entry in entries):
        return entries
    fields = current_trace_metadata()
    if not fields:
        return entries
    return [*entries, *(pb.MetadataEntry(key=key.lower(), text=value) for key, value in fields.items())]
