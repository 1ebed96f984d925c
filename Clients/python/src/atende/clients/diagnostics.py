"""Client of ``atende.diagnostics.v1.Diagnostics`` (proto/atende/diagnostics/v1)."""

from __future__ import annotations

from atende.diagnostics.v1.diagnostics_pb2 import (  # noqa: F401  (re-exported)
    EchoRequest,
    EchoResponse,
    GetServerInfoRequest,
    HealthCheckRequest,
    HealthCheckResponse,
    MethodInfo,
    ServerInfo,
    ServiceInfo,
)

from ..stubs.diagnostics_v1_diagnostics import DiagnosticsStub


class DiagnosticsClient(DiagnosticsStub):
    """Health, server information and echo calls of all four kinds.

    Every method takes ``timeout`` (seconds) and ``metadata`` (pairs or a mapping).
    """
