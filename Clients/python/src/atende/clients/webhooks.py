"""Client of ``atende.webhooks.v1.WebhookService`` (proto/atende/webhooks/v1)."""

from __future__ import annotations

import hashlib
import hmac

from atende.webhooks.v1.webhooks_pb2 import (  # noqa: F401  (re-exported)
    CreateWebhookRequest,
    CreateWebhookResponse,
    DeleteWebhookRequest,
    GetWebhookRequest,
    ListWebhookDeliveriesRequest,
    ListWebhookDeliveriesResponse,
    ListWebhooksRequest,
    ReplayWebhookDeliveriesRequest,
    RotateWebhookSecretRequest,
    UpdateWebhookRequest,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryState,
)

from ..stubs.webhooks_v1_webhooks import WebhookServiceStub


class WebhooksClient(WebhookServiceStub):
    """Webhooks: subscriptions to ticket events, their deliveries, the dead-letter list and
    replay (needs the ``admin`` scope). A receiver checks each delivery with
    :func:`verify_signature`.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """


def verify_signature(header: str, secret: str, body: bytes) -> bool:
    """Whether an ``Atende-Signature`` header (``t=<unix>,v1=<hex>``) signs ``body`` with
    ``secret``: HMAC-SHA256 of ``"<t>.<body>"``. Check the timestamp's age too, against
    replays."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in parts or "v1" not in parts:
        return False
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])
