"""TLS and mutual TLS against the real server (PROTOCOL.md §1, docs/SECURITY.md)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

import pytest

from atende import Channel, DiagnosticsClient, IdentityClient, RpcError, StatusCode, TicketsClient, tls_context
from atende.auth.v1.identity_pb2 import Identity, WhoAmIRequest
from atende.diagnostics.v1.diagnostics_pb2 import EchoRequest
from atende.tickets.v1.tickets_pb2 import ListTicketsRequest
from support import channel, extra_server, server_binary


@pytest.fixture(scope="module")
def certificates():
    """A throwaway CA, server certificate and client certificates from
    `atende-server dev-certificates`, plus another CA."""
    with tempfile.TemporaryDirectory() as directory:
        for name, clients in (("tls", ["billing", "stranger"]), ("other", ["intruder"])):
            command = [server_binary(), "dev-certificates", "--out", os.path.join(directory, name)]
            for client in clients:
                command += ["--client", client]
            subprocess.run(command, check=True, capture_output=True, timeout=60)
        identities = os.path.join(directory, "identities.json")
        with open(identities, "w") as f:
            json.dump([{"common_name": "billing", "scopes": ["tickets.read"]}], f)
        yield directory, identities


def path(directory: str, name: str) -> str:
    return os.path.join(directory, "tls", name)


async def test_tls_and_mutual_tls(certificates):
    directory, identities = certificates
    ca = path(directory, "ca.pem")
    args = ["--tls-cert", path(directory, "server.pem"), "--tls-key", path(directory, "server-key.pem")]
    args += ["--tls-client-ca", ca, "--tls-client-optional", "--tls-client-identities", identities]
    with extra_server(*args) as srv:
        # TLS with the test token.
        async with channel(srv, ssl=tls_context(ca=ca)) as ch:
            assert (await DiagnosticsClient(ch).echo(EchoRequest(text="olá"))).text == "olá"
        # The certificate of "billing" is an identity: no token needed, its scopes apply.
        billing = tls_context(ca=ca, cert=path(directory, "client-billing.pem"), key=path(directory, "client-billing-key.pem"))
        async with Channel(srv.host, srv.port, ssl=billing) as ch:
            identity = await IdentityClient(ch).who_am_i(WhoAmIRequest())
            assert identity.name == "billing"
            assert identity.kind == Identity.CERTIFICATE
            await TicketsClient(ch).list_tickets(ListTicketsRequest())
        # A certificate the CA signed but no identity: UNAUTHENTICATED, CERTIFICATE_UNKNOWN.
        stranger = tls_context(ca=ca, cert=path(directory, "client-stranger.pem"), key=path(directory, "client-stranger-key.pem"))
        async with Channel(srv.host, srv.port, ssl=stranger) as ch:
            with pytest.raises(RpcError) as info:
                await IdentityClient(ch).who_am_i(WhoAmIRequest())
            assert info.value.code == StatusCode.UNAUTHENTICATED
            assert info.value.reason == "CERTIFICATE_UNKNOWN"


async def test_wrong_authority_and_plain_tcp_are_refused(certificates):
    directory, _ = certificates
    args = ["--tls-cert", path(directory, "server.pem"), "--tls-key", path(directory, "server-key.pem")]
    with extra_server(*args) as srv:
        other_ca = os.path.join(directory, "other", "ca.pem")
        for context in (tls_context(ca=other_ca), None):
            with pytest.raises(RpcError) as info:
                async with channel(srv, ssl=context, connect_timeout=3, retries=0) as ch:
                    await DiagnosticsClient(ch).echo(EchoRequest(text="x"))
            assert info.value.code == StatusCode.UNAVAILABLE


async def test_required_client_certificate(certificates):
    directory, _ = certificates
    ca = path(directory, "ca.pem")
    args = ["--tls-cert", path(directory, "server.pem"), "--tls-key", path(directory, "server-key.pem")]
    with extra_server(*args, "--tls-client-ca", ca) as srv:
        with pytest.raises(RpcError) as info:
            async with channel(srv, ssl=tls_context(ca=ca), connect_timeout=3, retries=0) as ch:
                await DiagnosticsClient(ch).echo(EchoRequest(text="x"))
        assert info.value.code == StatusCode.UNAVAILABLE
        intruder = tls_context(
            ca=ca,
            cert=os.path.join(directory, "other", "client-intruder.pem"),
            key=os.path.join(directory, "other", "client-intruder-key.pem"),
        )
        with pytest.raises(RpcError):
            async with channel(srv, ssl=intruder, connect_timeout=3, retries=0) as ch:
                await DiagnosticsClient(ch).echo(EchoRequest(text="x"))
        billing = tls_context(ca=ca, cert=path(directory, "client-billing.pem"), key=path(directory, "client-billing-key.pem"))
        async with channel(srv, ssl=billing) as ch:
            assert (await DiagnosticsClient(ch).echo(EchoRequest(text="ok"))).text == "ok"


def test_tls_context_needs_cert_and_key_together():
    with pytest.raises(ValueError):
        tls_context(cert="client.pem")
