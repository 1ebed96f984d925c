"""Typed stub for ``atende.parameters.v1.ParameterService`` (proto/atende/parameters/v1)."""

from __future__ import annotations

from typing import Optional

from atende.common.v1 import common_pb2 as common
from atende.parameters.v1 import parameters_pb2 as pb
from atende.parameters.v1.parameters_pb2 import (  # noqa: F401  (re-exported)
    GeneralParameters,
    GetParametersRequest,
    UpdateParametersRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class ParametersClient(UnaryStub):
    """The general parameters of the support module and their change log.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.parameters.v1.ParameterService"

    async def get_parameters(
        self,
        request: Optional[pb.GetParametersRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.GeneralParameters:
        """The current parameters (with their ``version``)."""
        return await self._unary(
            "GetParameters",
            request if request is not None else pb.GetParametersRequest(),
            pb.GeneralParameters,
            timeout,
            metadata,
            actor,
        )

    async def update_parameters(
        self,
        request: pb.UpdateParametersRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.GeneralParameters:
        """Changes parameters (``update_mask``); a stale ``expected_version`` fails with ABORTED."""
        return await self._unary("UpdateParameters", request, pb.GeneralParameters, timeout, metadata, actor)

    async def list_parameter_changes(
        self,
        request: Optional[common.ListHistoryRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> common.ListHistoryResponse:
        """Every change (who, when, field, old and new value), oldest first."""
        return await self._unary(
            "ListParameterChanges",
            request if request is not None else common.ListHistoryRequest(),
            common.ListHistoryResponse,
            timeout,
            metadata,
            actor,
        )
