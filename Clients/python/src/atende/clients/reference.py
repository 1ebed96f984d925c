"""Typed stub for ``atende.reference.v1.ReferenceDataService`` (proto/atende/reference/v1)."""

from __future__ import annotations

from typing import Optional

from atende.reference.v1 import reference_pb2 as pb
from atende.reference.v1.reference_pb2 import (  # noqa: F401  (re-exported)
    Address,
    Channel,
    Client,
    ComplementaryStatus,
    Contract,
    Department,
    Employee,
    GetReferenceRequest,
    ListChannelsResponse,
    ListClientsResponse,
    ListComplementaryStatusesResponse,
    ListContractsResponse,
    ListDepartmentsResponse,
    ListEmployeesResponse,
    ListLoginsResponse,
    ListReferenceRequest,
    ListStructuresResponse,
    Login,
    ReferenceFilter,
    Structure,
    UpsertChannelsRequest,
    UpsertClientsRequest,
    UpsertComplementaryStatusesRequest,
    UpsertContractsRequest,
    UpsertDepartmentsRequest,
    UpsertEmployeesRequest,
    UpsertLoginsRequest,
    UpsertResult,
    UpsertStructuresRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class ReferenceDataClient(UnaryStub):
    """Reference data synchronised from other systems: bulk idempotent upserts keyed by
    the records' own ids, gets by id, and filtered, paginated lists (``ReferenceFilter``)
    of clients, contracts, logins, structures, departments, employees, channels and
    complementary statuses.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.reference.v1.ReferenceDataService"

    async def upsert_clients(
        self,
        request: pb.UpsertClientsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces clients by id (at most 1000 per call)."""
        return await self._unary("UpsertClients", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_contracts(
        self,
        request: pb.UpsertContractsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces contracts by id; their clients must exist."""
        return await self._unary("UpsertContracts", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_logins(
        self,
        request: pb.UpsertLoginsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces logins by id; their clients (and contracts) must exist."""
        return await self._unary("UpsertLogins", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_structures(
        self,
        request: pb.UpsertStructuresRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces structures by id."""
        return await self._unary("UpsertStructures", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_departments(
        self,
        request: pb.UpsertDepartmentsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces departments by id."""
        return await self._unary("UpsertDepartments", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_employees(
        self,
        request: pb.UpsertEmployeesRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces employees by id; their departments must exist."""
        return await self._unary("UpsertEmployees", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_channels(
        self,
        request: pb.UpsertChannelsRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces channels by id."""
        return await self._unary("UpsertChannels", request, pb.UpsertResult, timeout, metadata, actor)

    async def upsert_complementary_statuses(
        self,
        request: pb.UpsertComplementaryStatusesRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.UpsertResult:
        """Creates or replaces complementary statuses by id."""
        return await self._unary("UpsertComplementaryStatuses", request, pb.UpsertResult, timeout, metadata, actor)

    async def get_client(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Client:
        """One client by id (NOT_FOUND when there is none)."""
        return await self._unary("GetClient", request, pb.Client, timeout, metadata, actor)

    async def get_contract(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Contract:
        """One contract by id (NOT_FOUND when there is none)."""
        return await self._unary("GetContract", request, pb.Contract, timeout, metadata, actor)

    async def get_login(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Login:
        """One login by id (NOT_FOUND when there is none)."""
        return await self._unary("GetLogin", request, pb.Login, timeout, metadata, actor)

    async def get_structure(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Structure:
        """One structure by id (NOT_FOUND when there is none)."""
        return await self._unary("GetStructure", request, pb.Structure, timeout, metadata, actor)

    async def get_department(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Department:
        """One department by id (NOT_FOUND when there is none)."""
        return await self._unary("GetDepartment", request, pb.Department, timeout, metadata, actor)

    async def get_employee(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Employee:
        """One employee by id (NOT_FOUND when there is none)."""
        return await self._unary("GetEmployee", request, pb.Employee, timeout, metadata, actor)

    async def get_channel(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Channel:
        """One channel by id (NOT_FOUND when there is none)."""
        return await self._unary("GetChannel", request, pb.Channel, timeout, metadata, actor)

    async def get_complementary_status(
        self,
        request: pb.GetReferenceRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ComplementaryStatus:
        """One complementary status by id (NOT_FOUND when there is none)."""
        return await self._unary("GetComplementaryStatus", request, pb.ComplementaryStatus, timeout, metadata, actor)

    async def list_clients(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListClientsResponse:
        """Clients, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListClients",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListClientsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_contracts(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListContractsResponse:
        """Contracts; ``filter.client_id``, or ``filter.ticket_id`` for those of a ticket's client."""
        return await self._unary(
            "ListContracts",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListContractsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_logins(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListLoginsResponse:
        """Logins; ``filter.client_id``/``contract_id``, or ``filter.ticket_id`` for those of a ticket's client."""
        return await self._unary(
            "ListLogins",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListLoginsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_structures(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListStructuresResponse:
        """Structures, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListStructures",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListStructuresResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_departments(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListDepartmentsResponse:
        """Departments, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListDepartments",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListDepartmentsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_employees(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListEmployeesResponse:
        """Employees, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListEmployees",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListEmployeesResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_channels(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListChannelsResponse:
        """Channels, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListChannels",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListChannelsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_complementary_statuses(
        self,
        request: Optional[pb.ListReferenceRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListComplementaryStatusesResponse:
        """Complementary statuses, filtered by ``request.filter``, paginated."""
        return await self._unary(
            "ListComplementaryStatuses",
            request if request is not None else pb.ListReferenceRequest(),
            pb.ListComplementaryStatusesResponse,
            timeout,
            metadata,
            actor,
        )
