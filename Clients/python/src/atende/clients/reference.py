"""Client of ``atende.reference.v1.ReferenceDataService`` (proto/atende/reference/v1)."""

from __future__ import annotations

from atende.reference.v1.reference_pb2 import (  # noqa: F401  (re-exported)
    Address,
    Branch,
    Channel,
    Client,
    ComplementaryStatus,
    Contract,
    Department,
    Employee,
    GetReferenceRequest,
    ListBranchesResponse,
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
    UpsertBranchesRequest,
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

from ..stubs.reference_v1_reference import ReferenceDataServiceStub


class ReferenceDataClient(ReferenceDataServiceStub):
    """Reference data synchronised from other systems: bulk idempotent upserts keyed by
    the records' own ids, gets by id, and filtered, paginated lists (``ReferenceFilter``)
    of clients, contracts, logins, structures, departments, employees, channels,
    complementary statuses and branches.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
