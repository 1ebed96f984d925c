"""Client of ``atende.parameters.v1.ParameterService`` (proto/atende/parameters/v1)."""

from __future__ import annotations

from atende.common.v1 import common_pb2 as common
from atende.parameters.v1.parameters_pb2 import (  # noqa: F401  (re-exported)
    GeneralParameters,
    GetParametersRequest,
    UpdateParametersRequest,
)

from ..stubs.parameters_v1_parameters import ParameterServiceStub


class ParametersClient(ParameterServiceStub):
    """The general parameters of the support module and their change log.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
