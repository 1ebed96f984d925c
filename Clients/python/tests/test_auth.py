"""Credentials (docs/SECURITY.md): the channel's token on every call, what the server
answers without one or with too few scopes, WhoAmI, acting for someone, and the token
resolution the CLI uses (no server needed for that)."""

from __future__ import annotations

import asyncio
import os
import random
import string

import pytest

from atende import (
    Channel,
    DiagnosticsClient,
    IdentityClient,
    ReferenceDataClient,
    RpcError,
    StatusCode,
    TicketsClient,
    local_token,
    local_token_path,
    resolve_token,
)
from atende import frames as F
from atende.auth.v1.identity_pb2 import Identity
from atende.credentials import bearer
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest, EchoResponse, HealthCheckResponse
from atende.reference.v1.reference_pb2 import ListReferenceRequest
from atende.rpc.v1 import protocol_pb2 as pb
from atende.tickets.v1.tickets_pb2 import CreateTicketRequest, ListTicketsRequest
from support import ALL_SCOPES, TOKEN_NAME, FakeServer, channel, fake_handshake, read_frame, recorded
from test_tickets import create, support_ticket, tag


def name(prefix: str) -> str:
    return f"{prefix}-" + "".join(random.choices(string.ascii_lowercase, k=8))


def token_id(token: str) -> str:
    """The public part of an API token: atd_<id>_<secret>."""
    return token.split("_")[1]


# ---------------------------------------------------------------------- real server


async def test_no_credentials_only_public_methods(server):
    async with channel(server, token=None) as ch:
        assert not ch.has_credentials
        diagnostics = DiagnosticsClient(ch)
        assert (await diagnostics.check()).status == HealthCheckResponse.SERVING
        assert (await diagnostics.get_server_info()).services

        with pytest.raises(RpcError) as listing:
            await TicketsClient(ch).list_tickets(ListTicketsRequest())
        assert listing.value.code == StatusCode.UNAUTHENTICATED
        assert listing.value.reason == "CREDENTIALS_MISSING"
        assert not listing.value.local

        # Every call kind, and WhoAmI, needs a credential.
        with pytest.raises(RpcError) as echo:
            await diagnostics.echo(EchoRequest(text="x"))
        assert (echo.value.code, echo.value.reason) == (StatusCode.UNAUTHENTICATED, "CREDENTIALS_MISSING")
        with pytest.raises(RpcError) as stream:
            [r async for r in diagnostics.echo_expand(EchoRequest(text="x", repeat=2))]
        assert stream.value.code == StatusCode.UNAUTHENTICATED
        with pytest.raises(RpcError) as whoami:
            await IdentityClient(ch).whoami()
        assert (whoami.value.code, whoami.value.reason) == (StatusCode.UNAUTHENTICATED, "CREDENTIALS_MISSING")


async def test_bad_credentials_are_unauthenticated(server):
    async with channel(server, token="atd_000000000000_" + "0" * 64) as ch:
        with pytest.raises(RpcError) as unknown:
            await TicketsClient(ch).list_tickets(ListTicketsRequest())
        assert (unknown.value.code, unknown.value.reason) == (StatusCode.UNAUTHENTICATED, "TOKEN_UNKNOWN")
        # The public methods answer whatever the credential.
        assert (await DiagnosticsClient(ch).check()).status == HealthCheckResponse.SERVING
    async with channel(server) as ch:
        with pytest.raises(RpcError) as malformed:
            await IdentityClient(ch).whoami(metadata={"authorization": "Basic dXNlcjpwYXNz"})
        assert (malformed.value.code, malformed.value.reason) == (StatusCode.UNAUTHENTICATED, "CREDENTIALS_MALFORMED")


async def test_token_without_the_scope_is_permission_denied(server):
    reader = server.mint_token(name("pytest-reader"), ["reference.read"])
    async with channel(server, token=reader) as ch:
        # reference.read suffices for reference data…
        departments = await ReferenceDataClient(ch).list_departments(ListReferenceRequest())
        assert departments.departments
        # …not for opening (tickets.write) or reading tickets (tickets.read).
        tickets = TicketsClient(ch)
        with pytest.raises(RpcError) as write:
            await tickets.create_ticket(CreateTicketRequest(ticket=support_ticket(f"Sem escopo {tag()}")))
        assert (write.value.code, write.value.reason) == (StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")
        assert "tickets.write" in write.value.message
        with pytest.raises(RpcError) as read:
            await tickets.list_tickets(ListTicketsRequest())
        assert (read.value.code, read.value.reason) == (StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")
        # A plain echo needs only a credential; one that waits needs `diagnostics`.
        assert (await DiagnosticsClient(ch).echo(EchoRequest(text="ok"))).text == "ok"
        with pytest.raises(RpcError) as slow:
            await DiagnosticsClient(ch).echo(EchoRequest(text="x", delay_millis=1))
        assert (slow.value.code, slow.value.reason) == (StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")


async def test_whoami(server):
    async with channel(server) as ch:
        identity = await IdentityClient(ch).whoami()
        assert isinstance(identity, Identity)
        assert identity.name == TOKEN_NAME
        assert identity.kind == Identity.API_TOKEN
        assert list(identity.scopes) == sorted(ALL_SCOPES)
        assert list(identity.departments) == []
        assert (identity.acting_for, identity.recorded_actor) == ("", TOKEN_NAME)
        assert identity.credential_id == token_id(server.token)
        assert not identity.HasField("expires_at")

        acting = await IdentityClient(ch, actor="maria").who_am_i()
        assert (acting.acting_for, acting.recorded_actor) == ("maria", recorded("maria"))

    agent_name = name("pytest-agent")
    agent = server.mint_token(agent_name, ["tickets.read", "tickets.write"], departments=[2, 1], expires="1d")
    async with channel(server, token=agent) as ch:
        identity = await IdentityClient(ch).whoami(timeout=5)
        assert identity.name == agent_name
        assert list(identity.scopes) == ["tickets.read", "tickets.write"]
        assert list(identity.departments) == [1, 2]
        assert identity.credential_id == token_id(agent)
        assert identity.HasField("expires_at") and identity.expires_at.seconds > 0


async def test_actor_needs_act_as(server):
    service_name = name("pytest-service")
    service = server.mint_token(service_name, ["tickets.read", "tickets.write", "reference.read"])
    async with channel(server, token=service) as ch:
        with pytest.raises(RpcError) as acting:
            await create(TicketsClient(ch, actor="maria"), f"Em nome de {tag()}")
        assert (acting.value.code, acting.value.reason) == (StatusCode.PERMISSION_DENIED, "ACT_AS_REQUIRED")
        with pytest.raises(RpcError) as whoami:
            await IdentityClient(ch).whoami(actor="maria")
        assert whoami.value.reason == "ACT_AS_REQUIRED"
        # Without an actor the change is recorded under the token's name.
        ticket = await create(TicketsClient(ch), f"Serviço {tag()}")
        assert ticket.opened_by == service_name
    async with channel(server) as ch:  # the test token holds act_as
        ticket = await create(TicketsClient(ch, actor="maria"), f"Em nome de {tag()}")
        assert ticket.opened_by == recorded("maria")
        assert (await create(TicketsClient(ch), f"Sem ator {tag()}")).opened_by == TOKEN_NAME


async def test_call_metadata_authorization_wins(server):
    other_name = name("pytest-other")
    other = server.mint_token(other_name, ["reference.read"])
    async with channel(server) as ch:
        identity = await IdentityClient(ch).whoami(metadata=[("authorization", bearer(other))])
        assert identity.name == other_name
        assert (await IdentityClient(ch).whoami()).name == TOKEN_NAME


async def test_credentials_providers(server):
    asked = []

    def sync_provider() -> str:
        asked.append("sync")
        return server.token

    async def async_provider() -> str:
        await asyncio.sleep(0)
        asked.append("async")
        return server.token

    for provider in (sync_provider, async_provider):
        async with channel(server, credentials=provider) as ch:
            assert ch.has_credentials
            identity = IdentityClient(ch)
            assert (await identity.whoami()).name == TOKEN_NAME
            assert (await identity.whoami()).name == TOKEN_NAME
    assert asked == ["sync", "sync", "async", "async"]  # asked before every call

    def failing() -> str:
        raise LookupError("no token in the vault")

    async with channel(server, credentials=failing) as ch:
        with pytest.raises(RpcError) as info:
            await IdentityClient(ch).whoami()
        assert info.value.code == StatusCode.UNAUTHENTICATED and info.value.local
        assert "no token in the vault" in info.value.message
        # A public method is still asked for credentials first (the client does not
        # know which methods are public): it fails the same way.
        with pytest.raises(RpcError):
            await DiagnosticsClient(ch).check()

    async def slow() -> str:
        await asyncio.sleep(10)
        return server.token

    async with channel(server, credentials=slow) as ch:
        with pytest.raises(RpcError) as late:
            await IdentityClient(ch).whoami(timeout=0.2)
        assert late.value.code == StatusCode.DEADLINE_EXCEEDED and late.value.local

    async with channel(server, credentials=lambda: None) as ch:  # None: no credential
        with pytest.raises(RpcError) as none:
            await IdentityClient(ch).whoami()
        assert (none.value.code, none.value.reason) == (StatusCode.UNAUTHENTICATED, "CREDENTIALS_MISSING")


# ---------------------------------------------------------------------- on the wire


async def test_authorization_metadata_on_the_wire():
    headers = asyncio.Queue()

    async def handler(reader, writer):
        await fake_handshake(reader, writer)
        while True:
            header, payload = await read_frame(reader)
            if header.type != F.FrameType.HEADERS:
                continue
            call = pb.CallHeader.FromString(payload)
            headers.put_nowait([(m.key, m.text) for m in call.metadata])
            writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse().SerializeToString()))
            writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id))

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port, token="atd_abc_def") as ch:
            diagnostics = DiagnosticsClient(ch)
            await diagnostics.echo(EchoRequest(), metadata={"request-id": "r1"})
            assert await headers.get() == [("request-id", "r1"), ("authorization", "Bearer atd_abc_def")]
            await diagnostics.echo(EchoRequest(), metadata={"authorization": "Bearer other"})
            assert await headers.get() == [("authorization", "Bearer other")]
        async with Channel(fake.host, fake.port) as ch:
            await DiagnosticsClient(ch).echo(EchoRequest())
            assert await headers.get() == []

        tokens = iter(["first", "second"])
        async with Channel(fake.host, fake.port, credentials=lambda: next(tokens)) as ch:
            await DiagnosticsClient(ch).echo(EchoRequest())
            await DiagnosticsClient(ch).echo(EchoRequest())
            assert [await headers.get(), await headers.get()] == [
                [("authorization", "Bearer first")],
                [("authorization", "Bearer second")],
            ]


async def test_fixed_token_travels_once_per_connection():
    hellos, headers = asyncio.Queue(), asyncio.Queue()

    async def handler(reader, writer):
        hellos.put_nowait(await fake_handshake(reader, writer, connection_metadata=True))
        while True:
            header, payload = await read_frame(reader)
            if header.type != F.FrameType.HEADERS:
                continue
            headers.put_nowait([(m.key, m.text) for m in pb.CallHeader.FromString(payload).metadata])
            writer.write(F.encode_frame(F.FrameType.MESSAGE, 0, header.stream_id, EchoResponse().SerializeToString()))
            writer.write(F.encode_frame(F.FrameType.TRAILERS, 0, header.stream_id))

    async with FakeServer(handler) as fake:
        async with Channel(fake.host, fake.port, token="atd_abc_def") as ch:
            diagnostics = DiagnosticsClient(ch)
            await diagnostics.echo(EchoRequest(), metadata={"request-id": "r1"})
            await diagnostics.echo(EchoRequest(), metadata={"authorization": "Bearer other"})
            hello = await hellos.get()
            assert [(m.key, m.text) for m in hello.metadata] == [("authorization", "Bearer atd_abc_def")]
            assert [await headers.get(), await headers.get()] == [
                [("request-id", "r1")],
                [("authorization", "Bearer other")],
            ]


def test_channel_arguments():
    with pytest.raises(ValueError):
        Channel(token="a", credentials=lambda: "b")
    with pytest.raises(ValueError):
        Channel(token="")
    with pytest.raises(TypeError):
        Channel(token=b"atd_x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Channel(credentials="atd_x")  # type: ignore[arg-type]
    assert Channel(token="atd_x").has_credentials
    assert not Channel().has_credentials


# ---------------------------------------------------------------------- token resolution


def test_local_token_path(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert local_token_path() == str(tmp_path / "xdg" / "atende" / "token")
    monkeypatch.setenv("XDG_CONFIG_HOME", "")  # empty = unset
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert local_token_path() == str(tmp_path / "home" / ".config" / "atende" / "token")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert local_token_path() == str(tmp_path / "home" / ".config" / "atende" / "token")


def test_resolve_token(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("ATENDE_TOKEN", raising=False)
    token_file = tmp_path / "atende" / "token"

    # Nothing anywhere.
    assert local_token() is None
    assert resolve_token() is None

    # The local token file (one line; white space around it is not part of the token).
    token_file.parent.mkdir()
    token_file.write_text("atd_111111111111_" + "a" * 64 + "\n")
    assert local_token() == "atd_111111111111_" + "a" * 64
    assert resolve_token() == "atd_111111111111_" + "a" * 64

    # ATENDE_TOKEN wins over the file; an empty one does not count.
    monkeypatch.setenv("ATENDE_TOKEN", "")
    assert resolve_token() == "atd_111111111111_" + "a" * 64
    monkeypatch.setenv("ATENDE_TOKEN", "from-env")
    assert resolve_token() == "from-env"

    # An explicit token wins over both.
    assert resolve_token("explicit") == "explicit"

    # Another file, by path; an empty or missing file is no token.
    other = tmp_path / "other-token"
    other.write_text("  other  \n")
    monkeypatch.delenv("ATENDE_TOKEN")
    assert resolve_token(path=other) == "other"
    assert local_token(other) == "other"
    other.write_text("\n")
    assert local_token(other) is None
    assert local_token(tmp_path / "missing") is None
    assert resolve_token(path=tmp_path / "missing") is None
    assert os.path.exists(token_file)  # untouched: resolution only reads
