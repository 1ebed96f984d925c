from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Address(_message.Message):
    __slots__ = ["has_coordinates", "latitude", "longitude", "text"]
    HAS_COORDINATES_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    has_coordinates: bool
    latitude: float
    longitude: float
    text: str
    def __init__(self, text: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., has_coordinates: bool = ...) -> None: ...

class Branch(_message.Message):
    __slots__ = ["active", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ["active", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ...) -> None: ...

class Client(_message.Message):
    __slots__ = ["active", "address", "document", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    address: Address
    document: str
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., document: _Optional[str] = ..., active: bool = ..., address: _Optional[_Union[Address, _Mapping]] = ...) -> None: ...

class ComplementaryStatus(_message.Message):
    __slots__ = ["active", "description", "id"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    active: bool
    description: str
    id: int
    def __init__(self, id: _Optional[int] = ..., description: _Optional[str] = ..., active: bool = ...) -> None: ...

class Contract(_message.Message):
    __slots__ = ["active", "address", "client_id", "description", "id"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    active: bool
    address: Address
    client_id: int
    description: str
    id: int
    def __init__(self, id: _Optional[int] = ..., client_id: _Optional[int] = ..., description: _Optional[str] = ..., active: bool = ..., address: _Optional[_Union[Address, _Mapping]] = ...) -> None: ...

class Department(_message.Message):
    __slots__ = ["active", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ...) -> None: ...

class Employee(_message.Message):
    __slots__ = ["active", "department_ids", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    department_ids: _containers.RepeatedScalarFieldContainer[int]
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ..., department_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class GetReferenceRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListBranchesResponse(_message.Message):
    __slots__ = ["branches", "next_page_token"]
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    branches: _containers.RepeatedCompositeFieldContainer[Branch]
    next_page_token: str
    def __init__(self, branches: _Optional[_Iterable[_Union[Branch, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ["channels", "next_page_token"]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    next_page_token: str
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListClientsResponse(_message.Message):
    __slots__ = ["clients", "next_page_token"]
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clients: _containers.RepeatedCompositeFieldContainer[Client]
    next_page_token: str
    def __init__(self, clients: _Optional[_Iterable[_Union[Client, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListComplementaryStatusesResponse(_message.Message):
    __slots__ = ["complementary_statuses", "next_page_token"]
    COMPLEMENTARY_STATUSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    complementary_statuses: _containers.RepeatedCompositeFieldContainer[ComplementaryStatus]
    next_page_token: str
    def __init__(self, complementary_statuses: _Optional[_Iterable[_Union[ComplementaryStatus, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListContractsResponse(_message.Message):
    __slots__ = ["contracts", "next_page_token"]
    CONTRACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contracts: _containers.RepeatedCompositeFieldContainer[Contract]
    next_page_token: str
    def __init__(self, contracts: _Optional[_Iterable[_Union[Contract, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDepartmentsResponse(_message.Message):
    __slots__ = ["departments", "next_page_token"]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[Department]
    next_page_token: str
    def __init__(self, departments: _Optional[_Iterable[_Union[Department, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListEmployeesResponse(_message.Message):
    __slots__ = ["employees", "next_page_token"]
    EMPLOYEES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    employees: _containers.RepeatedCompositeFieldContainer[Employee]
    next_page_token: str
    def __init__(self, employees: _Optional[_Iterable[_Union[Employee, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListLoginsResponse(_message.Message):
    __slots__ = ["logins", "next_page_token"]
    LOGINS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    logins: _containers.RepeatedCompositeFieldContainer[Login]
    next_page_token: str
    def __init__(self, logins: _Optional[_Iterable[_Union[Login, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListReferenceRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: ReferenceFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[ReferenceFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStructuresResponse(_message.Message):
    __slots__ = ["next_page_token", "structures"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STRUCTURES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    structures: _containers.RepeatedCompositeFieldContainer[Structure]
    def __init__(self, structures: _Optional[_Iterable[_Union[Structure, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Login(_message.Message):
    __slots__ = ["active", "address", "client_id", "contract_id", "id", "username"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    address: Address
    client_id: int
    contract_id: int
    id: int
    username: str
    def __init__(self, id: _Optional[int] = ..., client_id: _Optional[int] = ..., contract_id: _Optional[int] = ..., username: _Optional[str] = ..., active: bool = ..., address: _Optional[_Union[Address, _Mapping]] = ...) -> None: ...

class ReferenceFilter(_message.Message):
    __slots__ = ["active_only", "client_id", "contract_id", "department_id", "query", "ticket_id"]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    active_only: bool
    client_id: int
    contract_id: int
    department_id: int
    query: str
    ticket_id: int
    def __init__(self, query: _Optional[str] = ..., active_only: bool = ..., client_id: _Optional[int] = ..., contract_id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., department_id: _Optional[int] = ...) -> None: ...

class Structure(_message.Message):
    __slots__ = ["active", "address", "id", "name"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    active: bool
    address: Address
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ..., address: _Optional[_Union[Address, _Mapping]] = ...) -> None: ...

class UpsertBranchesRequest(_message.Message):
    __slots__ = ["branches"]
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    branches: _containers.RepeatedCompositeFieldContainer[Branch]
    def __init__(self, branches: _Optional[_Iterable[_Union[Branch, _Mapping]]] = ...) -> None: ...

class UpsertChannelsRequest(_message.Message):
    __slots__ = ["channels"]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...

class UpsertClientsRequest(_message.Message):
    __slots__ = ["clients"]
    CLIENTS_FIELD_NUMBER: _ClassVar[int]
    clients: _containers.RepeatedCompositeFieldContainer[Client]
    def __init__(self, clients: _Optional[_Iterable[_Union[Client, _Mapping]]] = ...) -> None: ...

class UpsertComplementaryStatusesRequest(_message.Message):
    __slots__ = ["complementary_statuses"]
    COMPLEMENTARY_STATUSES_FIELD_NUMBER: _ClassVar[int]
    complementary_statuses: _containers.RepeatedCompositeFieldContainer[ComplementaryStatus]
    def __init__(self, complementary_statuses: _Optional[_Iterable[_Union[ComplementaryStatus, _Mapping]]] = ...) -> None: ...

class UpsertContractsRequest(_message.Message):
    __slots__ = ["contracts"]
    CONTRACTS_FIELD_NUMBER: _ClassVar[int]
    contracts: _containers.RepeatedCompositeFieldContainer[Contract]
    def __init__(self, contracts: _Optional[_Iterable[_Union[Contract, _Mapping]]] = ...) -> None: ...

class UpsertDepartmentsRequest(_message.Message):
    __slots__ = ["departments"]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[Department]
    def __init__(self, departments: _Optional[_Iterable[_Union[Department, _Mapping]]] = ...) -> None: ...

class UpsertEmployeesRequest(_message.Message):
    __slots__ = ["employees"]
    EMPLOYEES_FIELD_NUMBER: _ClassVar[int]
    employees: _containers.RepeatedCompositeFieldContainer[Employee]
    def __init__(self, employees: _Optional[_Iterable[_Union[Employee, _Mapping]]] = ...) -> None: ...

class UpsertLoginsRequest(_message.Message):
    __slots__ = ["logins"]
    LOGINS_FIELD_NUMBER: _ClassVar[int]
    logins: _containers.RepeatedCompositeFieldContainer[Login]
    def __init__(self, logins: _Optional[_Iterable[_Union[Login, _Mapping]]] = ...) -> None: ...

class UpsertResult(_message.Message):
    __slots__ = ["created", "unchanged", "updated"]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    created: int
    unchanged: int
    updated: int
    def __init__(self, created: _Optional[int] = ..., updated: _Optional[int] = ..., unchanged: _Optional[int] = ...) -> None: ...

class UpsertStructuresRequest(_message.Message):
    __slots__ = ["structures"]
    STRUCTURES_FIELD_NUMBER: _ClassVar[int]
    structures: _containers.RepeatedCompositeFieldContainer[Structure]
    def __init__(self, structures: _Optional[_Iterable[_Union[Structure, _Mapping]]] = ...) -> None: ...
