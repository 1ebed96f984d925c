"""Client of ``atende.tickets.v1.TicketMessageService`` (proto/atende/tickets/v1/messages.proto)."""

from __future__ import annotations

from atende.tickets.v1.messages_pb2 import (  # noqa: F401  (re-exported)
    AddTicketMessageRequest,
    AddTicketMessageResponse,
    AuthorKind,
    ListTicketMessagesRequest,
    ListTicketMessagesResponse,
    TicketMessage,
    Visibility,
)

from ..stubs.tickets_v1_messages import TicketMessageServiceStub


class MessagesClient(TicketMessageServiceStub):
    """The conversation of a ticket (the Messages tab). A message is an interaction and
    may carry a status change.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
