"""Client of ``atende.tickets.v1.TicketService`` (proto/atende/tickets/v1)."""

from __future__ import annotations

from atende.common.v1 import common_pb2 as common
from atende.common.v1.common_pb2 import (  # noqa: F401  (re-exported)
    HistoryEntry,
    ListHistoryRequest,
    ListHistoryResponse,
    Priority,
)
from atende.tickets.v1.tickets_pb2 import (  # noqa: F401  (re-exported)
    AssignTicketRequest,
    CancelTicketRequest,
    ChangeTicketStatusRequest,
    CreateTicketRequest,
    GetTicketRequest,
    ListTagsRequest,
    ListTagsResponse,
    ListTicketsRequest,
    ListTicketsResponse,
    Location,
    LocationOrigin,
    ReopenTicketRequest,
    TagCount,
    Ticket,
    TicketKind,
    TicketOrder,
    TicketStatus,
    UpdateTicketRequest,
)

from ..stubs.tickets_v1_tickets import TicketServiceStub


class TicketsClient(TicketServiceStub):
    """Tickets: open, read, change, search, move through the workflow, read history.

    Every method takes ``timeout`` (seconds), ``metadata`` (pairs or a mapping) and
    ``actor`` (sent as the ``actor`` metadata, recorded in the ticket's history; defaults
    to the ``actor`` given to the constructor).
    """
