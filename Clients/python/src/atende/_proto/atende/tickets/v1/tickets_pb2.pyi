from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from atende.sla.v1 import sla_pb2 as _sla_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
LOCATION_ORIGIN_CLIENT: LocationOrigin
LOCATION_ORIGIN_CONTRACT: LocationOrigin
LOCATION_ORIGIN_LOGIN: LocationOrigin
LOCATION_ORIGIN_MANUAL: LocationOrigin
LOCATION_ORIGIN_STRUCTURE: LocationOrigin
LOCATION_ORIGIN_UNSPECIFIED: LocationOrigin
TICKET_KIND_CLIENT: TicketKind
TICKET_KIND_STRUCTURE: TicketKind
TICKET_KIND_UNSPECIFIED: TicketKind
TICKET_ORDER_CREATED_ASC: TicketOrder
TICKET_ORDER_CREATED_DESC: TicketOrder
TICKET_ORDER_PRIORITY_DESC: TicketOrder
TICKET_ORDER_RELEVANCE: TicketOrder
TICKET_ORDER_UNSPECIFIED: TicketOrder
TICKET_ORDER_UPDATED_DESC: TicketOrder
TICKET_STATUS_CANCELED: TicketStatus
TICKET_STATUS_IN_PROGRESS: TicketStatus
TICKET_STATUS_NEW: TicketStatus
TICKET_STATUS_PENDING: TicketStatus
TICKET_STATUS_SOLVED: TicketStatus
TICKET_STATUS_UNSPECIFIED: TicketStatus

class AssignTicketRequest(_message.Message):
    __slots__ = ["assignee_id", "expected_version", "id"]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    assignee_id: int
    expected_version: int
    id: int
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., assignee_id: _Optional[int] = ...) -> None: ...

class CancelTicketRequest(_message.Message):
    __slots__ = ["expected_version", "id", "reason"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    reason: str
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class ChangeTicketStatusRequest(_message.Message):
    __slots__ = ["expected_version", "id", "message", "status"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    message: str
    status: TicketStatus
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., status: _Optional[_Union[TicketStatus, str]] = ..., message: _Optional[str] = ...) -> None: ...

class CreateTicketRequest(_message.Message):
    __slots__ = ["ticket"]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ...) -> None: ...

class GetTicketRequest(_message.Message):
    __slots__ = ["id", "protocol"]
    ID_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    id: int
    protocol: str
    def __init__(self, id: _Optional[int] = ..., protocol: _Optional[str] = ...) -> None: ...

class ListTagsRequest(_message.Message):
    __slots__ = ["limit", "prefix"]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    limit: int
    prefix: str
    def __init__(self, prefix: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListTagsResponse(_message.Message):
    __slots__ = ["tags"]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    tags: _containers.RepeatedCompositeFieldContainer[TagCount]
    def __init__(self, tags: _Optional[_Iterable[_Union[TagCount, _Mapping]]] = ...) -> None: ...

class ListTicketsRequest(_message.Message):
    __slots__ = ["assignee_id", "branch_id", "channel_id", "client_id", "created_after", "created_before", "department_id", "order", "page_size", "page_token", "priorities", "query", "statuses", "structure_id", "subject_id", "tags", "updated_after", "updated_before"]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    BRANCH_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRIORITIES_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    STRUCTURE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    assignee_id: int
    branch_id: int
    channel_id: int
    client_id: int
    created_after: _timestamp_pb2.Timestamp
    created_before: _timestamp_pb2.Timestamp
    department_id: int
    order: TicketOrder
    page_size: int
    page_token: str
    priorities: _containers.RepeatedScalarFieldContainer[_common_pb2.Priority]
    query: str
    statuses: _containers.RepeatedScalarFieldContainer[TicketStatus]
    structure_id: int
    subject_id: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    updated_after: _timestamp_pb2.Timestamp
    updated_before: _timestamp_pb2.Timestamp
    def __init__(self, statuses: _Optional[_Iterable[_Union[TicketStatus, str]]] = ..., client_id: _Optional[int] = ..., structure_id: _Optional[int] = ..., department_id: _Optional[int] = ..., assignee_id: _Optional[int] = ..., priorities: _Optional[_Iterable[_Union[_common_pb2.Priority, str]]] = ..., subject_id: _Optional[int] = ..., channel_id: _Optional[int] = ..., created_after: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., created_before: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_after: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_before: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., query: _Optional[str] = ..., order: _Optional[_Union[TicketOrder, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., branch_id: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class ListTicketsResponse(_message.Message):
    __slots__ = ["next_page_token", "tickets"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    tickets: _containers.RepeatedCompositeFieldContainer[Ticket]
    def __init__(self, tickets: _Optional[_Iterable[_Union[Ticket, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ["address", "has_coordinates", "latitude", "longitude", "origin"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    HAS_COORDINATES_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    address: str
    has_coordinates: bool
    latitude: float
    longitude: float
    origin: LocationOrigin
    def __init__(self, address: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., has_coordinates: bool = ..., origin: _Optional[_Union[LocationOrigin, str]] = ...) -> None: ...

class ReopenTicketRequest(_message.Message):
    __slots__ = ["expected_version", "id", "reason"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    reason: str
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class TagCount(_message.Message):
    __slots__ = ["tag", "tickets"]
    TAG_FIELD_NUMBER: _ClassVar[int]
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    tag: str
    tickets: int
    def __init__(self, tag: _Optional[str] = ..., tickets: _Optional[int] = ...) -> None: ...

class Ticket(_message.Message):
    __slots__ = ["assignee_id", "branch_id", "channel_id", "client_id", "closed_at", "complementary_status_id", "contract_id", "created_at", "department_id", "description", "first_response_at", "id", "interaction_count", "kind", "location", "login_id", "opened_by", "priority", "protocol", "sla", "status", "structure_id", "subject_id", "tags", "title", "updated_at", "version"]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    BRANCH_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLEMENTARY_STATUS_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    SLA_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STRUCTURE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    assignee_id: int
    branch_id: int
    channel_id: int
    client_id: int
    closed_at: _timestamp_pb2.Timestamp
    complementary_status_id: int
    contract_id: int
    created_at: _timestamp_pb2.Timestamp
    department_id: int
    description: str
    first_response_at: _timestamp_pb2.Timestamp
    id: int
    interaction_count: int
    kind: TicketKind
    location: Location
    login_id: int
    opened_by: str
    priority: _common_pb2.Priority
    protocol: str
    sla: _sla_pb2.TicketSla
    status: TicketStatus
    structure_id: int
    subject_id: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    title: str
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., protocol: _Optional[str] = ..., kind: _Optional[_Union[TicketKind, str]] = ..., client_id: _Optional[int] = ..., structure_id: _Optional[int] = ..., contract_id: _Optional[int] = ..., login_id: _Optional[int] = ..., subject_id: _Optional[int] = ..., title: _Optional[str] = ..., department_id: _Optional[int] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., description: _Optional[str] = ..., status: _Optional[_Union[TicketStatus, str]] = ..., complementary_status_id: _Optional[int] = ..., channel_id: _Optional[int] = ..., assignee_id: _Optional[int] = ..., location: _Optional[_Union[Location, _Mapping]] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., opened_by: _Optional[str] = ..., version: _Optional[int] = ..., first_response_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., interaction_count: _Optional[int] = ..., sla: _Optional[_Union[_sla_pb2.TicketSla, _Mapping]] = ..., branch_id: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateTicketRequest(_message.Message):
    __slots__ = ["expected_version", "ticket", "update_mask"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    ticket: Ticket
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class TicketKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TicketStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LocationOrigin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TicketOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
