"""Typed stub for ``atende.tickets.v1.TicketService`` (proto/atende/tickets/v1)."""

from __future__ import annotations

from typing import Optional

from atende.common.v1 import common_pb2 as common
from atende.common.v1.common_pb2 import (  # noqa: F401  (re-exported)
    HistoryEntry,
    ListHistoryRequest,
    ListHistoryResponse,
    Priority,
)
from atende.tickets.v1 import tickets_pb2 as pb
from atende.tickets.v1.tickets_pb2 import (  # noqa: F401  (re-exported)
    AssignTicketRequest,
    CancelTicketRequest,
    ChangeTicketStatusRequest,
    CreateTicketRequest,
    GetTicketRequest,
    ListTicketsRequest,
    ListTicketsResponse,
    Location,
    LocationOrigin,
    ReopenTicketRequest,
    Ticket,
    TicketKind,
    TicketOrder,
    TicketStatus,
    UpdateTicketRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class TicketsClient(UnaryStub):
    """Tickets: open, read, change, search, move through the workflow, read history.

    Every method takes ``timeout`` (seconds), ``metadata`` (pairs or a mapping) and
    ``actor`` (sent as the ``actor`` metadata, recorded in the ticket's history; defaults
    to the ``actor`` given to the constructor).
    """

    SERVICE = "atende.tickets.v1.TicketService"

    async def create_ticket(
        self,
        request: pb.CreateTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Opens a ticket: the server assigns id, protocol number and status NEW."""
        return await self._unary("CreateTicket", request, pb.Ticket, timeout, metadata, actor)

    async def get_ticket(
        self,
        request: pb.GetTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """A ticket by ``id`` or by ``protocol`` (NOT_FOUND when there is none)."""
        return await self._unary("GetTicket", request, pb.Ticket, timeout, metadata, actor)

    async def update_ticket(
        self,
        request: pb.UpdateTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Changes fields (``update_mask``); a stale ``expected_version`` fails with ABORTED."""
        return await self._unary("UpdateTicket", request, pb.Ticket, timeout, metadata, actor)

    async def list_tickets(
        self,
        request: Optional[pb.ListTicketsRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListTicketsResponse:
        """Lists and searches tickets (filters, text ``query``, cursor pagination)."""
        return await self._unary(
            "ListTickets",
            request if request is not None else pb.ListTicketsRequest(),
            pb.ListTicketsResponse,
            timeout,
            metadata,
            actor,
        )

    async def change_ticket_status(
        self,
        request: pb.ChangeTicketStatusRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Moves a ticket to PENDING, IN_PROGRESS or SOLVED, optionally with a message."""
        return await self._unary("ChangeTicketStatus", request, pb.Ticket, timeout, metadata, actor)

    async def assign_ticket(
        self,
        request: pb.AssignTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Puts an employee (``assignee_id``; 0 = nobody) in charge."""
        return await self._unary("AssignTicket", request, pb.Ticket, timeout, metadata, actor)

    async def reopen_ticket(
        self,
        request: pb.ReopenTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Reopens a solved ticket (back to IN_PROGRESS); ``reason`` is required."""
        return await self._unary("ReopenTicket", request, pb.Ticket, timeout, metadata, actor)

    async def cancel_ticket(
        self,
        request: pb.CancelTicketRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Ticket:
        """Cancels a ticket for good; ``reason`` is required."""
        return await self._unary("CancelTicket", request, pb.Ticket, timeout, metadata, actor)

    async def list_ticket_history(
        self,
        request: common.ListHistoryRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> common.ListHistoryResponse:
        """Every recorded change of ticket ``request.id``, oldest first."""
        return await self._unary("ListTicketHistory", request, common.ListHistoryResponse, timeout, metadata, actor)
