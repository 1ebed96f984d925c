"""Client of ``atende.tickets.v1.ServiceOrderService`` (proto/atende/tickets/v1)."""

from __future__ import annotations

from atende.tickets.v1.service_orders_pb2 import (  # noqa: F401  (re-exported)
    ServiceOrder,
    ServiceOrderStatus,
)

from ..stubs.tickets_v1_service_orders import ServiceOrderServiceStub


class ServiceOrdersClient(ServiceOrderServiceStub):
    """Service orders (ordens de serviço) of a ticket: open, schedule, move through their
    statuses, assign, sign, list.

    Every method takes ``timeout`` (seconds), ``metadata`` (pairs or a mapping) and
    ``actor`` (sent as the ``actor`` metadata, recorded in the history; defaults to the
    ``actor`` given to the constructor).
    """
