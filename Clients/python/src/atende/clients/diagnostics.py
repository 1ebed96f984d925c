"""Typed stub for ``atende.diagnostics.v1.Diagnostics`` (proto/atende/diagnostics/v1)."""

from __future__ import annotations

from typing import Optional

from atende.diagnostics.v1 import diagnostics_pb2 as pb
from atende.diagnostics.v1.diagnostics_pb2 import (  # noqa: F401  (re-exported)
    EchoRequest,
    EchoResponse,
    GetServerInfoRequest,
    HealthCheckRequest,
    HealthCheckResponse,
    MethodInfo,
    ServerInfo,
    ServiceInfo,
)

from ..channel import Call, Channel, MetadataArg, Requests


class DiagnosticsClient:
    """Health, server information and echo calls of all four kinds.

    Every method takes ``timeout`` (seconds) and ``metadata`` (pairs or a mapping).
    """

    SERVICE = "atende.diagnostics.v1.Diagnostics"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def _path(self, method: str) -> str:
        return f"/{self.SERVICE}/{method}"

    async def check(
        self,
        request: Optional[pb.HealthCheckRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> pb.HealthCheckResponse:
        """Unary: whether the server (or ``request.service``) is serving."""
        return await self.channel.unary_unary(
            self._path("Check"),
            request if request is not None else pb.HealthCheckRequest(),
            pb.HealthCheckResponse,
            timeout=timeout,
            metadata=metadata,
        )

    def watch(
        self,
        request: Optional[pb.HealthCheckRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> Call:
        """Server-streaming: the status ``check`` would answer, at once and on every change;
        NOT_SERVING, then the end of the stream, when the server begins shutting down."""
        return self.channel.unary_stream(
            self._path("Watch"),
            request if request is not None else pb.HealthCheckRequest(),
            pb.HealthCheckResponse,
            timeout=timeout,
            metadata=metadata,
        )

    async def get_server_info(
        self,
        request: Optional[pb.GetServerInfoRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> pb.ServerInfo:
        """Unary: version, start time, hosted services and methods."""
        return await self.channel.unary_unary(
            self._path("GetServerInfo"),
            request if request is not None else pb.GetServerInfoRequest(),
            pb.ServerInfo,
            timeout=timeout,
            metadata=metadata,
        )

    async def echo(
        self, request: pb.EchoRequest, *, timeout: Optional[float] = None, metadata: MetadataArg = None
    ) -> pb.EchoResponse:
        """Unary: returns the request's payload and text."""
        return await self.channel.unary_unary(
            self._path("Echo"), request, pb.EchoResponse, timeout=timeout, metadata=metadata
        )

    def echo_expand(
        self, request: pb.EchoRequest, *, timeout: Optional[float] = None, metadata: MetadataArg = None
    ) -> Call:
        """Server-streaming: ``async for response in client.echo_expand(request)``."""
        return self.channel.unary_stream(
            self._path("EchoExpand"), request, pb.EchoResponse, timeout=timeout, metadata=metadata
        )

    async def echo_collect(
        self, requests: Requests, *, timeout: Optional[float] = None, metadata: MetadataArg = None
    ) -> pb.EchoResponse:
        """Client-streaming: one response with the concatenated texts and payloads."""
        return await self.channel.stream_unary(
            self._path("EchoCollect"), requests, pb.EchoResponse, timeout=timeout, metadata=metadata
        )

    def echo_chat(
        self,
        requests: Optional[Requests] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> Call:
        """Bidirectional: one response per request, as it arrives."""
        return self.channel.stream_stream(
            self._path("EchoChat"), pb.EchoResponse, requests, timeout=timeout, metadata=metadata
        )
