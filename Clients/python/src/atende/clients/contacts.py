"""Typed stub for ``atende.tickets.v1.TicketContactService`` (proto/atende/tickets/v1/contacts.proto)."""

from __future__ import annotations

from typing import Optional

from atende.tickets.v1 import contacts_pb2 as pb
from atende.tickets.v1.contacts_pb2 import (  # noqa: F401  (re-exported)
    AddTicketContactRequest,
    ListTicketContactsRequest,
    ListTicketContactsResponse,
    RemoveTicketContactRequest,
    RemoveTicketContactResponse,
    TicketContact,
    UpdateTicketContactRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class ContactsClient(UnaryStub):
    """People to talk to about a ticket (the Contact tab). Every change is recorded in
    the ticket's history.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.tickets.v1.TicketContactService"

    async def add_ticket_contact(
        self,
        request: pb.AddTicketContactRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.TicketContact:
        """Adds a contact (a name and at least a phone or an e-mail)."""
        return await self._unary("AddTicketContact", request, pb.TicketContact, timeout, metadata, actor)

    async def update_ticket_contact(
        self,
        request: pb.UpdateTicketContactRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.TicketContact:
        """Changes a contact (``update_mask``: name, phone, email, note; empty = the set fields)."""
        return await self._unary("UpdateTicketContact", request, pb.TicketContact, timeout, metadata, actor)

    async def remove_ticket_contact(
        self,
        request: pb.RemoveTicketContactRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.RemoveTicketContactResponse:
        """Removes a contact."""
        return await self._unary(
            "RemoveTicketContact", request, pb.RemoveTicketContactResponse, timeout, metadata, actor
        )

    async def list_ticket_contacts(
        self,
        request: pb.ListTicketContactsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListTicketContactsResponse:
        """The contacts of ticket ``request.ticket_id``."""
        return await self._unary(
            "ListTicketContacts", request, pb.ListTicketContactsResponse, timeout, metadata, actor
        )
