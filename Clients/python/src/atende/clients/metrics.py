"""Typed stub for ``atende.tickets.v1.TicketMetricsService`` (proto/atende/tickets/v1/metrics.proto)."""

from __future__ import annotations

from typing import Optional

from atende.tickets.v1 import metrics_pb2 as pb
from atende.tickets.v1.metrics_pb2 import (  # noqa: F401  (re-exported)
    Count,
    DurationStats,
    GetTicketMetricsRequest,
    SubjectSla,
    TicketMetrics,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class MetricsClient(UnaryStub):
    """Figures the support team follows: open tickets by dimension, response and
    solution times, SLA breaches.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.tickets.v1.TicketMetricsService"

    async def get_ticket_metrics(
        self,
        request: Optional[pb.GetTicketMetricsRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.TicketMetrics:
        """The metrics; without a request: all departments, the last 30 days. (The
        request's ``from`` field is a Python keyword: set it with
        ``GetTicketMetricsRequest(**{"from": ts})`` or ``getattr(request, "from").CopyFrom(ts)``.)"""
        return await self._unary(
            "GetTicketMetrics",
            request if request is not None else pb.GetTicketMetricsRequest(),
            pb.TicketMetrics,
            timeout,
            metadata,
            actor,
        )
