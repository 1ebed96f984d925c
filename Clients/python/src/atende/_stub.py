"""Shared plumbing of the generated service stubs (``atende.stubs``): method paths and
the ``actor`` metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, List, Optional, Tuple, Type

from google.protobuf.message import Message

from .channel import Call, Channel, MetadataArg, Requests

#: Request metadata key naming who makes a change; the server records it in history
#: (``HistoryEntry.actor``, ``Ticket.opened_by``, ``GeneralParameters.updated_by``).
ACTOR_KEY = "actor"


def with_actor(metadata: MetadataArg, actor: Optional[str]) -> MetadataArg:
    """``metadata`` plus ``("actor", actor)``, unless ``actor`` is None or ``metadata``
    already has an ``actor`` entry (an explicit entry wins)."""
    if actor is None:
        return metadata
    if metadata is None:
        return [(ACTOR_KEY, actor)]
    items: List[Tuple[str, Any]] = list(metadata.items() if isinstance(metadata, Mapping) else metadata)
    if any(key == ACTOR_KEY for key, _ in items):
        return items
    return [(ACTOR_KEY, actor), *items]


class ServiceStub:
    """Base of the generated service stubs: one helper per call kind.

    ``actor`` (optional) is sent as the ``actor`` metadata of every call; each method's
    ``actor=`` overrides it for that call, and an ``actor`` entry in the call's
    ``metadata=`` overrides both.
    """

    SERVICE = ""

    def __init__(self, channel: Channel, *, actor: Optional[str] = None) -> None:
        self.channel = channel
        self.actor = actor

    def _path(self, method: str) -> str:
        return f"/{self.SERVICE}/{method}"

    async def _unary(
        self,
        method: str,
        request: Message,
        response_type: Type[Any],
        timeout: Optional[float],
        metadata: MetadataArg,
        actor: Optional[str],
    ) -> Any:
        return await self.channel.unary_unary(
            self._path(method),
            request,
            response_type,
            timeout=timeout,
            metadata=with_actor(metadata, actor if actor is not None else self.actor),
        )

    def _server_stream(
        self,
        method: str,
        request: Message,
        response_type: Type[Any],
        timeout: Optional[float],
        metadata: MetadataArg,
        actor: Optional[str],
    ) -> Call:
        return self.channel.unary_stream(
            self._path(method),
            request,
            response_type,
            timeout=timeout,
            metadata=with_actor(metadata, actor if actor is not None else self.actor),
        )

    async def _client_stream(
        self,
        method: str,
        requests: Requests,
        response_type: Type[Any],
        timeout: Optional[float],
        metadata: MetadataArg,
        actor: Optional[str],
    ) -> Any:
        return await self.channel.stream_unary(
            self._path(method),
            requests,
            response_type,
            timeout=timeout,
            metadata=with_actor(metadata, actor if actor is not None else self.actor),
        )

    def _bidi_stream(
        self,
        method: str,
        requests: Optional[Requests],
        response_type: Type[Any],
        timeout: Optional[float],
        metadata: MetadataArg,
        actor: Optional[str],
    ) -> Call:
        return self.channel.stream_stream(
            self._path(method),
            response_type,
            requests,
            timeout=timeout,
            metadata=with_actor(metadata, actor if actor is not None else self.actor),
        )


#: The name the clients used before the stubs were generated.
UnaryStub = ServiceStub
