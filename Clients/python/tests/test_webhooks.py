"""Webhooks from the Swift server to a receiver written in Python: the delivery arrives
over HTTP, signed, and the receiver checks the signature with nothing but hmac."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from atende import RpcError, StatusCode, TicketsClient, WebhooksClient, verify_signature
from atende.clients.webhooks import CreateWebhookRequest, DeleteWebhookRequest, GetWebhookRequest, Webhook
from atende.tickets.v1.events_pb2 import TICKET_EVENT_KIND_CREATED
from atende.tickets.v1.tickets_pb2 import TICKET_KIND_CLIENT, CreateTicketRequest, Ticket
from support import channel


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


async def test_a_python_receiver_gets_signed_deliveries(server):
    http = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        async with channel(server) as ch:
            webhooks = WebhooksClient(ch)
            created = await webhooks.create_webhook(
                CreateWebhookRequest(
                    webhook=Webhook(
                        name="python-receiver",
                        url=f"http://127.0.0.1:{http.server_address[1]}/hooks",
                        event_kinds=[TICKET_EVENT_KIND_CREATED],
                        active=True,
                    )
                )
            )
            assert created.secret.startswith("whsec_")
            try:
                ticket = await TicketsClient(ch).create_ticket(
                    CreateTicketRequest(
                        ticket=Ticket(
                            kind=TICKET_KIND_CLIENT,
                            client_id=1001,
                            department_id=1,
                            subject_id=1,
                            title="Webhook para Python",
                            description="Um evento para o receptor.",
                        )
                    )
                )
                for _ in range(100):
                    mine = [r for r in Receiver.received if json.loads(r[1])["ticket"]["id"] == str(ticket.id)]
                    if mine:
                        break
                    await asyncio.sleep(0.1)
                assert len(mine) == 1
                headers, body = mine[0]
                assert headers["Atende-Webhook-Id"] == str(created.webhook.id)
                assert headers["Atende-Event-Kind"] == "TICKET_EVENT_KIND_CREATED"
                assert verify_signature(headers["Atende-Signature"], created.secret, body)
                assert not verify_signature(headers["Atende-Signature"], created.secret, body + b" ")
                assert json.loads(body)["kind"] == "TICKET_EVENT_KIND_CREATED"
            finally:
                current = await webhooks.get_webhook(GetWebhookRequest(id=created.webhook.id))
                await webhooks.delete_webhook(DeleteWebhookRequest(id=current.id, expected_version=current.version))
            try:
                await webhooks.create_webhook(CreateWebhookRequest(webhook=Webhook(name="x", url="http://example.com/")))
                raise AssertionError("an http URL to another host was accepted")
            except RpcError as error:
                assert error.code == StatusCode.INVALID_ARGUMENT
    finally:
        http.shutdown()
