"""Client of ``atende.tickets.v1.TicketMetricsService`` (proto/atende/tickets/v1/metrics.proto)."""

from __future__ import annotations

from atende.tickets.v1.metrics_pb2 import (  # noqa: F401  (re-exported)
    Count,
    DurationStats,
    GetTicketMetricsRequest,
    SubjectSla,
    TicketMetrics,
)

from ..stubs.tickets_v1_metrics import TicketMetricsServiceStub


class MetricsClient(TicketMetricsServiceStub):
    """Figures the support team follows: open tickets by dimension, response and
    solution times, SLA breaches.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
