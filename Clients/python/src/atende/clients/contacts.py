"""Client of ``atende.tickets.v1.TicketContactService`` (proto/atende/tickets/v1/contacts.proto)."""

from __future__ import annotations

from atende.tickets.v1.contacts_pb2 import (  # noqa: F401  (re-exported)
    AddTicketContactRequest,
    ListTicketContactsRequest,
    ListTicketContactsResponse,
    RemoveTicketContactRequest,
    RemoveTicketContactResponse,
    TicketContact,
    UpdateTicketContactRequest,
)

from ..stubs.tickets_v1_contacts import TicketContactServiceStub


class ContactsClient(TicketContactServiceStub):
    """People to talk to about a ticket (the Contact tab). Every change is recorded in
    the ticket's history.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
