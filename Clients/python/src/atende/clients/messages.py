"""Typed stub for ``atende.tickets.v1.TicketMessageService`` (proto/atende/tickets/v1/messages.proto)."""

from __future__ import annotations

from typing import Optional

from atende.tickets.v1 import messages_pb2 as pb
from atende.tickets.v1.messages_pb2 import (  # noqa: F401  (re-exported)
    AddTicketMessageRequest,
    AddTicketMessageResponse,
    AuthorKind,
    ListTicketMessagesRequest,
    ListTicketMessagesResponse,
    TicketMessage,
    Visibility,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class MessagesClient(UnaryStub):
    """The conversation of a ticket (the Messages tab). A message is an interaction and
    may carry a status change.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.tickets.v1.TicketMessageService"

    async def add_ticket_message(
        self,
        request: pb.AddTicketMessageRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.AddTicketMessageResponse:
        """Adds a message, optionally moving the ticket to ``request.status``; without a
        status the first message of a NEW ticket moves it to IN_PROGRESS. Returns the
        stored message and the ticket after it."""
        return await self._unary("AddTicketMessage", request, pb.AddTicketMessageResponse, timeout, metadata, actor)

    async def list_ticket_messages(
        self,
        request: pb.ListTicketMessagesRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListTicketMessagesResponse:
        """A ticket's messages, oldest (or ``newest_first``) first, paginated."""
        return await self._unary(
            "ListTicketMessages", request, pb.ListTicketMessagesResponse, timeout, metadata, actor
        )
