"""The services around a ticket (files, messages, contacts, live events, metrics)
against the Swift server with the demo data set. Like test_tickets.py, every test opens
its own tickets on the shared session server."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random

import pytest

from atende import (
    ContactsClient,
    EventsClient,
    FilesClient,
    MessagesClient,
    MetricsClient,
    RpcError,
    StatusCode,
    TicketsClient,
)
from atende.tickets.v1.contacts_pb2 import (
    AddTicketContactRequest,
    ListTicketContactsRequest,
    RemoveTicketContactRequest,
    TicketContact,
    UpdateTicketContactRequest,
)
from atende.tickets.v1.events_pb2 import TICKET_EVENT_KIND_CREATED, TicketEvent, TicketEventKind
from atende.tickets.v1.messages_pb2 import (
    AUTHOR_KIND_EMPLOYEE,
    VISIBILITY_PUBLIC,
    AddTicketMessageRequest,
    ListTicketMessagesRequest,
    TicketMessage,
)
from atende.tickets.v1.tickets_pb2 import (
    TICKET_STATUS_IN_PROGRESS,
    TICKET_STATUS_NEW,
    TICKET_STATUS_UNSPECIFIED,
    GetTicketRequest,
    TicketStatus,
)
from google.protobuf.field_mask_pb2 import FieldMask
from support import channel
from test_tickets import ACTOR, DEPT_SUPPORT, RECORDED_ACTOR, create, tag, violations

EMPLOYEE_CARLA = 1  # "Carla Mendes", department 1


async def test_upload_with_a_wrong_sha256_is_rejected(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        files = FilesClient(ch, actor=ACTOR)
        ticket = await create(tickets, f"Arquivo corrompido {tag()}")
        data = random.randbytes(200_000)

        with pytest.raises(RpcError) as failed:
            await files.upload(ticket.id, "laudo.pdf", data, sha256=hashlib.sha256(b"other content").hexdigest())
        assert failed.value.code == StatusCode.INVALID_ARGUMENT
        assert not failed.value.local
        assert ("header.sha256", "MISMATCH") in violations(failed.value)
        # A failed upload leaves nothing behind.
        assert await files.list(ticket.id) == []

        # The right digest is accepted; the file can then be removed again.
        stored = await files.upload(ticket.id, "laudo.pdf", data, sha256=hashlib.sha256(data).hexdigest())
        assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
        async with files.open_download(stored.id) as download:
            assert download.file == stored
            chunks = [chunk async for chunk in download]
        assert b"".join(chunks) == data

        await files.delete(stored.id, "enviado por engano")
        assert await files.list(ticket.id) == []
        with pytest.raises(RpcError) as gone:
            await files.download(stored.id)
        assert gone.value.code == StatusCode.NOT_FOUND


async def test_upload_over_the_size_limit_stops_at_once(server):
    """The server fails an upload as soon as it passes the size limit (25 MiB by
    default); the client must notice and stop sending, even from an endless source."""
    async with channel(server) as ch:
        files = FilesClient(ch, actor=ACTOR)
        ticket = await create(TicketsClient(ch, actor=ACTOR), f"Arquivo grande {tag()}")
        produced = 0

        async def endless():
            nonlocal produced
            while True:
                produced += 1
                yield bytes(256 * 1024)

        with pytest.raises(RpcError) as failed:
            await files.upload(ticket.id, "video.mp4", endless(), chunk_size=256 * 1024)
        assert failed.value.code == StatusCode.RESOURCE_EXHAUSTED
        assert failed.value.reason == "FILE_TOO_LARGE"
        assert produced * 256 * 1024 < 50 * 1024 * 1024, f"sent {produced / 4} MiB after the limit"
        assert await files.list(ticket.id) == []


async def test_first_message_moves_a_new_ticket_to_in_progress(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        messages = MessagesClient(ch, actor=ACTOR)
        ticket = await create(tickets, f"Primeira mensagem {tag()}")
        assert ticket.status == TICKET_STATUS_NEW

        def message(text: str) -> TicketMessage:
            return TicketMessage(
                ticket_id=ticket.id,
                author_kind=AUTHOR_KIND_EMPLOYEE,
                author_id=EMPLOYEE_CARLA,
                visibility=VISIBILITY_PUBLIC,
                text=text,
            )

        first = await messages.add_ticket_message(
            AddTicketMessageRequest(message=message("Olá, estamos verificando sua conexão."))
        )
        assert first.message.id > 0 and first.message.ticket_id == ticket.id
        assert first.message.status_change == TICKET_STATUS_IN_PROGRESS
        assert first.ticket.status == TICKET_STATUS_IN_PROGRESS, TicketStatus.Name(first.ticket.status)
        assert first.ticket.version > ticket.version
        assert first.ticket.interaction_count >= 1 and first.ticket.first_response_at.seconds > 0
        fetched = await tickets.get_ticket(GetTicketRequest(id=ticket.id))
        fetched.ClearField("sla")  # only reads carry the SLA clocks
        assert fetched == first.ticket

        # Later messages leave the status alone.
        second = await messages.add_ticket_message(
            AddTicketMessageRequest(message=message("Pode reiniciar o modem?"), expected_version=first.ticket.version)
        )
        assert second.message.status_change == TICKET_STATUS_UNSPECIFIED
        assert second.ticket.status == TICKET_STATUS_IN_PROGRESS

        listed = await messages.list_ticket_messages(ListTicketMessagesRequest(ticket_id=ticket.id))
        assert [m.id for m in listed.messages] == [first.message.id, second.message.id]


async def test_contacts(server):
    async with channel(server) as ch:
        contacts = ContactsClient(ch, actor=ACTOR)
        ticket = await create(TicketsClient(ch, actor=ACTOR), f"Contatos {tag()}")

        with pytest.raises(RpcError) as invalid:
            await contacts.add_ticket_contact(
                AddTicketContactRequest(contact=TicketContact(ticket_id=ticket.id, name="Gerente", phone="12-34"))
            )
        assert invalid.value.code == StatusCode.INVALID_ARGUMENT
        assert "contact.phone" in {field for field, _ in violations(invalid.value)}

        added = await contacts.add_ticket_contact(
            AddTicketContactRequest(
                contact=TicketContact(ticket_id=ticket.id, name="Gerente da loja", phone="+55 49 99999-1234")
            )
        )
        assert added.id > 0 and added.ticket_id == ticket.id and added.name == "Gerente da loja"
        updated = await contacts.update_ticket_contact(
            UpdateTicketContactRequest(
                contact=TicketContact(id=added.id, email="gerente@bompreco.example"),
                update_mask=FieldMask(paths=["email"]),
            )
        )
        assert (updated.id, updated.phone, updated.email) == (added.id, added.phone, "gerente@bompreco.example")
        listed = await contacts.list_ticket_contacts(ListTicketContactsRequest(ticket_id=ticket.id))
        assert [c.id for c in listed.contacts] == [added.id]

        await contacts.remove_ticket_contact(RemoveTicketContactRequest(id=added.id))
        listed = await contacts.list_ticket_contacts(ListTicketContactsRequest(ticket_id=ticket.id))
        assert list(listed.contacts) == []


async def test_watch_receives_created_events(server):
    """WatchTickets streams events "from now on", and nothing tells the client when its
    subscription is in place: open tickets until one's CREATED event arrives."""
    # The watch gets a connection of its own (a slow reader delays its whole connection,
    # PROTOCOL.md §13).
    async with channel(server) as watch_ch, channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        events: asyncio.Queue = asyncio.Queue()

        async with EventsClient(watch_ch).watch(department_id=DEPT_SUPPORT) as watch:

            async def pump() -> None:
                async for event in watch:
                    await events.put(event)

            reader = asyncio.create_task(pump())
            try:
                created = {}
                found = None
                for attempt in range(10):
                    ticket = await create(tickets, f"Evento {attempt} {tag()}")
                    created[ticket.id] = ticket
                    try:
                        while found is None:
                            event = await asyncio.wait_for(events.get(), 1.0)
                            if event.kind == TICKET_EVENT_KIND_CREATED and event.ticket.id in created:
                                found = event
                    except asyncio.TimeoutError:
                        assert not reader.done(), reader.exception()
                        continue
                    break
                assert found is not None, "no CREATED event arrived"
                assert isinstance(found, TicketEvent)
                ticket = created[found.ticket.id]
                assert TicketEventKind.Name(found.kind) == "TICKET_EVENT_KIND_CREATED"
                assert (found.ticket.protocol, found.ticket.status) == (ticket.protocol, TICKET_STATUS_NEW)
                assert found.ticket.department_id == DEPT_SUPPORT
                assert found.actor == RECORDED_ACTOR
                assert found.sequence > 0 and found.at.seconds > 0
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        assert watch.done


async def test_metrics_smoke(server):
    async with channel(server) as ch:
        await create(TicketsClient(ch, actor=ACTOR), f"Métricas {tag()}")  # at least one NEW ticket
        metrics = await MetricsClient(ch).get_ticket_metrics()
        by_status = {c.name: c.count for c in metrics.open_by_status}
        assert by_status.get("NEW", 0) >= 1, list(metrics.open_by_status)
        counts = [c.count for c in metrics.open_by_status]
        assert counts == sorted(counts, reverse=True)  # largest first
        assert metrics.to.seconds > getattr(metrics, "from").seconds > 0
