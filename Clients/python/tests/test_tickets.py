"""The ticket API against the Swift server with the demo data set (--demo-data, see
Sources/AtendeServer/DemoData.swift): the two flows of the domain spec and the rules a
caller meets on the way.

The session server is shared, so every test opens its own tickets and filters lists by
what it created (unique words in the titles, found with ``query``).
"""

from __future__ import annotations

import hashlib
import random
import re
import string

import pytest

from atende import (
    FieldViolation,
    FilesClient,
    ParametersClient,
    ReferenceDataClient,
    RpcError,
    StatusCode,
    SubjectsClient,
    TicketsClient,
)
from atende.common.v1.common_pb2 import (
    PRIORITY_HIGH,
    PRIORITY_NORMAL,
    ListHistoryRequest,
)
from atende.parameters.v1.parameters_pb2 import GeneralParameters, UpdateParametersRequest
from atende.reference.v1.reference_pb2 import GetReferenceRequest, ListReferenceRequest, ReferenceFilter
from atende.subjects.v1.subjects_pb2 import GetSubjectRequest, ListSubjectsRequest
from atende.tickets.v1.tickets_pb2 import (
    LOCATION_ORIGIN_CLIENT,
    TICKET_KIND_CLIENT,
    TICKET_STATUS_IN_PROGRESS,
    TICKET_STATUS_NEW,
    TICKET_STATUS_PENDING,
    ChangeTicketStatusRequest,
    CreateTicketRequest,
    GetTicketRequest,
    ListTicketsRequest,
    Ticket,
    UpdateTicketRequest,
)
from google.protobuf.field_mask_pb2 import FieldMask
from support import channel, recorded

ACTOR = "pytest.tickets"
#: What the history records for ACTOR: the test token (which holds act_as) acting for it.
RECORDED_ACTOR = recorded(ACTOR)

# Demo data ids (Sources/AtendeServer/DemoData.swift).
CLIENT_ONE_CONTRACT = 1001  # contract 5001, login 7001
CLIENT_SEVERAL_CONTRACTS = 1002
DEPT_SUPPORT = 1  # "Suporte Técnico"
DEPT_SAC = 2  # "SAC"
CHANNEL_PHONE = 1  # "Telefone"
CHANNEL_FAX_INACTIVE = 5
COMPLEMENTARY_STATUS = 1
SUBJECT_NO_CONNECTION = 1  # "Sem conexão", default priority HIGH
SUBJECT_COMPLAINT = 4  # "Reclamação": channel + complementary status required


def tag() -> str:
    """A word no other ticket has (letters only, so the text search sees one word)."""
    return "zz" + "".join(random.choices(string.ascii_lowercase, k=12))


def support_ticket(title: str, **fields) -> Ticket:
    """A valid ticket of client 1001, department 1, subject 1 (overridable)."""
    values = dict(
        kind=TICKET_KIND_CLIENT,
        client_id=CLIENT_ONE_CONTRACT,
        department_id=DEPT_SUPPORT,
        subject_id=SUBJECT_NO_CONNECTION,
        title=title,
        description="Cliente relata queda de conexão.",
    )
    values.update(fields)
    return Ticket(**values)


async def create(tickets: TicketsClient, title: str, **fields) -> Ticket:
    return await tickets.create_ticket(CreateTicketRequest(ticket=support_ticket(title, **fields)))


def violations(error: RpcError) -> set:
    return {(v.field, v.reason) for v in error.field_violations}


async def test_technical_support_call(server):
    """Seed flow 1: new ticket → client → department "Suporte Técnico" → priority →
    subject → description → save."""
    async with channel(server) as ch:
        reference = ReferenceDataClient(ch)
        subjects = SubjectsClient(ch)
        tickets = TicketsClient(ch, actor=ACTOR)

        client = await reference.get_client(GetReferenceRequest(id=CLIENT_ONE_CONTRACT))
        assert client.name == "Ana Paula Ferreira" and client.active
        departments = await reference.list_departments(
            ListReferenceRequest(filter=ReferenceFilter(query="Suporte", active_only=True))
        )
        assert [(d.id, d.name) for d in departments.departments] == [(DEPT_SUPPORT, "Suporte Técnico")]
        subject = await subjects.get_subject(GetSubjectRequest(id=SUBJECT_NO_CONNECTION))
        assert subject.name == "Sem conexão" and subject.active

        title = f"Sem conexão desde ontem {tag()}"
        created = await tickets.create_ticket(
            CreateTicketRequest(
                ticket=Ticket(
                    kind=TICKET_KIND_CLIENT,
                    client_id=client.id,
                    department_id=departments.departments[0].id,
                    priority=PRIORITY_HIGH,
                    subject_id=subject.id,
                    title=title,
                    description="Cliente sem internet desde ontem à noite; luzes do modem normais.",
                )
            )
        )
        assert created.id > 0
        assert re.fullmatch(r"\d{13}", created.protocol), created.protocol
        assert created.status == TICKET_STATUS_NEW
        assert created.title == title
        assert created.priority == PRIORITY_HIGH
        assert created.opened_by == RECORDED_ACTOR
        assert created.version > 0
        assert created.created_at.seconds > 0
        # Rule 9: the subject requires neither login nor contract, so the client's address.
        assert created.location.origin == LOCATION_ORIGIN_CLIENT
        assert created.location.address == client.address.text

        # A read carries the SLA clocks (the subject's own hours, around the clock), which
        # the answer of the change leaves out.
        by_protocol = await tickets.get_ticket(GetTicketRequest(protocol=created.protocol))
        assert by_protocol.sla.policy_name == "Sem conexão"
        assert by_protocol.sla.resolution.target.seconds == 24 * 3600
        assert not created.HasField("sla")
        by_protocol.ClearField("sla")
        assert by_protocol == created
        by_id = await tickets.get_ticket(GetTicketRequest(id=created.id))
        by_id.ClearField("sla")
        assert by_id == created

        history = await tickets.list_ticket_history(ListHistoryRequest(id=created.id))
        created_entries = [e for e in history.entries if e.kind == "CREATED"]
        assert len(created_entries) == 1
        assert created_entries[0].actor == RECORDED_ACTOR


async def test_priority_defaults_to_the_subjects(server):
    async with channel(server) as ch:
        ticket = await create(TicketsClient(ch, actor=ACTOR), f"Sem prioridade {tag()}")
        assert ticket.priority == PRIORITY_HIGH  # "Sem conexão"'s default priority


async def test_complaint(server):
    """Seed flow 2: new ticket → complaining client → department "SAC" → priority →
    subject → description → save → attach evidence files (the Files tab)."""
    async with channel(server) as ch:
        reference = ReferenceDataClient(ch)
        tickets = TicketsClient(ch, actor=ACTOR)
        files = FilesClient(ch, actor=ACTOR)

        client = await reference.get_client(GetReferenceRequest(id=CLIENT_SEVERAL_CONTRACTS))
        sac = await reference.get_department(GetReferenceRequest(id=DEPT_SAC))
        assert sac.name == "SAC"
        complaint = Ticket(
            kind=TICKET_KIND_CLIENT,
            client_id=client.id,
            department_id=sac.id,
            priority=PRIORITY_NORMAL,
            subject_id=SUBJECT_COMPLAINT,
            title=f"Cobrança indevida {tag()}",
            description="Cliente reclama de cobrança em duplicidade na fatura.",
        )

        # "Reclamação" requires a channel and a complementary status: both are reported.
        with pytest.raises(RpcError) as failed:
            await tickets.create_ticket(CreateTicketRequest(ticket=complaint))
        assert failed.value.code == StatusCode.FAILED_PRECONDITION
        assert violations(failed.value) >= {
            ("ticket.channel_id", "REQUIRED_BY_SUBJECT"),
            ("ticket.complementary_status_id", "REQUIRED_BY_SUBJECT"),
        }

        complaint.channel_id = CHANNEL_PHONE
        complaint.complementary_status_id = COMPLEMENTARY_STATUS
        created = await tickets.create_ticket(CreateTicketRequest(ticket=complaint))
        assert created.status == TICKET_STATUS_NEW
        assert re.fullmatch(r"\d{13}", created.protocol)
        assert (created.channel_id, created.complementary_status_id) == (CHANNEL_PHONE, COMPLEMENTARY_STATUS)
        assert created.department_id == DEPT_SAC and created.client_id == CLIENT_SEVERAL_CONTRACTS

        # Evidence: the invoice (bytes, cut into the default 64 KiB chunks) and a photo
        # (an async iterable of uneven pieces, re-cut into chunks of at most 256 KiB).
        invoice = random.randbytes(300 * 1024)
        photo = random.randbytes(1_500_000)

        async def pieces(data: bytes, size: int = 100_000):
            for start in range(0, len(data), size):
                yield data[start : start + size]

        fatura = await files.upload(
            created.id, "fatura.pdf", invoice, description="Fatura com a cobrança em dobro"
        )
        foto = await files.upload(
            created.id, "foto.jpg", pieces(photo), description="Foto do comprovante", chunk_size=256 * 1024
        )
        for stored, name, content_type, data in (
            (fatura, "fatura.pdf", "application/pdf", invoice),
            (foto, "foto.jpg", "image/jpeg", photo),
        ):
            assert stored.id > 0 and stored.ticket_id == created.id
            assert (stored.name, stored.content_type, stored.size) == (name, content_type, len(data))
            assert stored.sha256 == hashlib.sha256(data).hexdigest()
            assert stored.uploaded_by == RECORDED_ACTOR and stored.uploaded_at.seconds > 0

        listed = await files.list(created.id)
        assert [(f.id, f.name) for f in listed] == [(fatura.id, "fatura.pdf"), (foto.id, "foto.jpg")]
        assert listed == [fatura, foto]

        described, content = await files.download(foto.id)
        assert described == foto
        assert hashlib.sha256(content).hexdigest() == foto.sha256
        assert content == photo


async def test_stale_expected_version_is_aborted(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        ticket = await create(tickets, f"Versão {tag()}")

        renamed = await tickets.update_ticket(
            UpdateTicketRequest(
                ticket=Ticket(id=ticket.id, title=ticket.title + " (editado)"),
                update_mask=FieldMask(paths=["title"]),
                expected_version=ticket.version,
            )
        )
        assert renamed.version > ticket.version

        # A second change based on the old version would lose the first one.
        with pytest.raises(RpcError) as stale:
            await tickets.update_ticket(
                UpdateTicketRequest(
                    ticket=Ticket(id=ticket.id, title="lost update"),
                    update_mask=FieldMask(paths=["title"]),
                    expected_version=ticket.version,
                )
            )
        assert stale.value.code == StatusCode.ABORTED
        assert not stale.value.local
        current = await tickets.get_ticket(GetTicketRequest(id=ticket.id))
        assert current.title == renamed.title and current.version == renamed.version


async def test_in_progress_needs_an_interaction(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        ticket = await create(tickets, f"Fluxo {tag()}")

        with pytest.raises(RpcError) as bare:
            await tickets.change_ticket_status(
                ChangeTicketStatusRequest(id=ticket.id, expected_version=ticket.version, status=TICKET_STATUS_IN_PROGRESS)
            )
        assert bare.value.code == StatusCode.FAILED_PRECONDITION
        unchanged = await tickets.get_ticket(GetTicketRequest(id=ticket.id))
        assert unchanged.status == TICKET_STATUS_NEW and unchanged.version == ticket.version

        moved = await tickets.change_ticket_status(
            ChangeTicketStatusRequest(
                id=ticket.id,
                expected_version=ticket.version,
                status=TICKET_STATUS_IN_PROGRESS,
                message="Técnico verificando a ONU remotamente.",
            )
        )
        assert moved.status == TICKET_STATUS_IN_PROGRESS
        assert moved.version > ticket.version
        assert moved.interaction_count >= 1
        assert moved.first_response_at.seconds > 0

        history = await tickets.list_ticket_history(ListHistoryRequest(id=ticket.id, kind="STATUS_CHANGED"))
        assert [(e.kind, e.old_value, e.new_value, e.actor) for e in history.entries] == [
            ("STATUS_CHANGED", "NEW", "IN_PROGRESS", RECORDED_ACTOR)
        ]


async def test_list_tickets_by_status_and_text(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        word = tag()
        new = await create(tickets, f"Lentidão à noite {word}")
        working = await create(tickets, f"Oscilação de sinal {word}")
        await create(tickets, f"Outro assunto {tag()}")  # must not match the query
        working = await tickets.change_ticket_status(
            ChangeTicketStatusRequest(
                id=working.id, expected_version=working.version, status=TICKET_STATUS_IN_PROGRESS, message="Analisando."
            )
        )

        async def found(**filters) -> set:
            response = await tickets.list_tickets(ListTicketsRequest(**filters))
            return {t.id for t in response.tickets}

        assert await found(query=word) == {new.id, working.id}
        assert await found(query=word, statuses=[TICKET_STATUS_NEW]) == {new.id}
        assert await found(query=word, statuses=[TICKET_STATUS_IN_PROGRESS]) == {working.id}
        open_statuses = [TICKET_STATUS_NEW, TICKET_STATUS_PENDING, TICKET_STATUS_IN_PROGRESS]
        assert await found(query=word, statuses=open_statuses) == {new.id, working.id}
        assert await found(query=word, statuses=[TICKET_STATUS_PENDING]) == set()
        # Words match as prefixes; a protocol number finds its ticket.
        assert await found(query=word[:8]) >= {new.id, working.id}
        assert await found(query=new.protocol) == {new.id}

        # Other filters narrow the same search; every listed ticket has the asked status.
        listed = await tickets.list_tickets(
            ListTicketsRequest(statuses=[TICKET_STATUS_IN_PROGRESS], client_id=CLIENT_ONE_CONTRACT, page_size=500)
        )
        assert working.id in {t.id for t in listed.tickets}
        assert all(t.status == TICKET_STATUS_IN_PROGRESS for t in listed.tickets)


async def test_inactive_channel_is_rejected(server):
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        with pytest.raises(RpcError) as failed:
            await create(tickets, f"Canal inativo {tag()}", channel_id=CHANNEL_FAX_INACTIVE)
        assert failed.value.code == StatusCode.FAILED_PRECONDITION
        assert ("ticket.channel_id", "INACTIVE") in violations(failed.value)

        # Nor later, by an update.
        ticket = await create(tickets, f"Canal trocado {tag()}", channel_id=CHANNEL_PHONE)
        with pytest.raises(RpcError) as update:
            await tickets.update_ticket(
                UpdateTicketRequest(
                    ticket=Ticket(id=ticket.id, channel_id=CHANNEL_FAX_INACTIVE),
                    update_mask=FieldMask(paths=["channel_id"]),
                    expected_version=ticket.version,
                )
            )
        assert update.value.code == StatusCode.FAILED_PRECONDITION
        assert ("ticket.channel_id", "INACTIVE") in violations(update.value)


async def test_error_details_are_typed_field_violations(server):
    """Rule 12: every broken rule of a request comes back at once, each as a
    FieldViolation(field, reason, description) on the RpcError."""
    async with channel(server) as ch:
        tickets = TicketsClient(ch, actor=ACTOR)
        with pytest.raises(RpcError) as failed:
            await tickets.create_ticket(CreateTicketRequest(ticket=Ticket(kind=TICKET_KIND_CLIENT, client_id=1001)))
        error = failed.value
        assert error.code == StatusCode.INVALID_ARGUMENT
        assert not error.local
        assert error.field_violations and all(isinstance(v, FieldViolation) for v in error.field_violations)
        assert all(v.description for v in error.field_violations)
        assert violations(error) >= {
            ("ticket.title", "REQUIRED"),
            ("ticket.description", "REQUIRED"),
            ("ticket.department_id", "REQUIRED"),
            ("ticket.priority", "REQUIRED"),
        }
        field, reason, description = error.field_violations[0]
        assert "ticket." in field and reason.isupper() and description
        assert "ticket.title" in str(error)

        with pytest.raises(RpcError) as missing:
            await tickets.get_ticket(GetTicketRequest(protocol="1999999999999"))
        assert missing.value.code == StatusCode.NOT_FOUND


async def test_actor_metadata(server):
    async with channel(server) as ch:
        default = TicketsClient(ch, actor="constructor-actor")
        assert (await create(default, f"Ator {tag()}")).opened_by == recorded("constructor-actor")
        per_call = await default.create_ticket(
            CreateTicketRequest(ticket=support_ticket(f"Ator {tag()}")), actor="call-actor"
        )
        assert per_call.opened_by == recorded("call-actor")
        explicit = await default.create_ticket(
            CreateTicketRequest(ticket=support_ticket(f"Ator {tag()}")),
            actor="call-actor",
            metadata={"actor": "metadata-actor", "request-id": "t-1"},
        )
        assert explicit.opened_by == recorded("metadata-actor")
        bare = await TicketsClient(ch).create_ticket(
            CreateTicketRequest(ticket=support_ticket(f"Ator {tag()}")), metadata=[("actor", "pairs-actor")]
        )
        assert bare.opened_by == recorded("pairs-actor")


async def test_subject_reference_and_parameter_stubs(server):
    async with channel(server) as ch:
        subjects = await SubjectsClient(ch).list_subjects(ListSubjectsRequest(page_size=500))
        by_id = {s.id: s for s in subjects.subjects}
        assert by_id[1].name == "Sem conexão" and by_id[1].default_priority == PRIORITY_HIGH
        assert by_id[2].contract_required and by_id[2].login_required
        assert by_id[4].channel_required and by_id[4].complementary_status_required
        assert by_id[5].service_order_requires_signature
        assert not by_id[7].active
        active = await SubjectsClient(ch).list_subjects(ListSubjectsRequest(active_only=True, page_size=500))
        assert 7 not in {s.id for s in active.subjects}

        reference = ReferenceDataClient(ch)
        channels = await reference.list_channels(ListReferenceRequest(filter=ReferenceFilter(active_only=True)))
        assert CHANNEL_PHONE in {c.id for c in channels.channels}
        assert CHANNEL_FAX_INACTIVE not in {c.id for c in channels.channels}
        contracts = await reference.list_contracts(
            ListReferenceRequest(filter=ReferenceFilter(client_id=CLIENT_ONE_CONTRACT))
        )
        assert [c.id for c in contracts.contracts] == [5001]

        # Rule 7: contracts for a ticket are only those of its client.
        ticket = await create(TicketsClient(ch, actor=ACTOR), f"Contratos {tag()}", client_id=CLIENT_SEVERAL_CONTRACTS)
        for_ticket = await reference.list_contracts(ListReferenceRequest(filter=ReferenceFilter(ticket_id=ticket.id)))
        assert for_ticket.contracts
        assert {c.client_id for c in for_ticket.contracts} == {CLIENT_SEVERAL_CONTRACTS}

        parameters = ParametersClient(ch, actor=ACTOR)
        current = await parameters.get_parameters()
        assert current.version > 0
        # A stale version changes nothing (the shared server's parameters stay as loaded).
        with pytest.raises(RpcError) as stale:
            await parameters.update_parameters(
                UpdateParametersRequest(
                    parameters=GeneralParameters(subject_required=True),
                    update_mask=FieldMask(paths=["subject_required"]),
                    expected_version=current.version + 100,
                )
            )
        assert stale.value.code == StatusCode.ABORTED
        assert (await parameters.get_parameters()) == current
        await parameters.list_parameter_changes()


async def test_branches_and_tags(server):
    """Branches (filiais) as reference data; a ticket's branch and tags, normalised by
    the server, filter lists and are counted by ListTags."""
    from atende.clients.tickets import ListTagsRequest

    async with channel(server) as ch:
        reference = ReferenceDataClient(ch)
        tickets = TicketsClient(ch, actor=ACTOR)
        branches = await reference.list_branches(ListReferenceRequest(filter=ReferenceFilter(active_only=True)))
        assert {(b.id, b.name) for b in branches.branches} >= {(1, "Matriz"), (2, "Filial Norte")}
        assert (await reference.get_branch(GetReferenceRequest(id=2))).name == "Filial Norte"

        word = tag()
        created = await create(tickets, f"Sem sinal {word}", branch_id=2, tags=[f"#{word.upper()}", "Queda Massiva"])
        assert created.branch_id == 2
        assert list(created.tags) == sorted([word, "queda-massiva"])

        listed = await tickets.list_tickets(ListTicketsRequest(branch_id=2, tags=[word]))
        assert [t.id for t in listed.tickets] == [created.id]
        counted = await tickets.list_tags(ListTagsRequest(prefix=word))
        assert [(c.tag, c.tickets) for c in counted.tags] == [(word, 1)]

        with pytest.raises(RpcError) as refused:
            await create(tickets, f"Filial fechada {word}", branch_id=3)
        assert refused.value.code == StatusCode.FAILED_PRECONDITION
        assert violations(refused.value) == {("ticket.branch_id", "INACTIVE")}
        with pytest.raises(RpcError) as bad:
            await create(tickets, f"Tag ruim {word}", tags=["a/b"])
        assert violations(bad.value) == {("ticket.tags[0]", "INVALID_CHARACTER")}
