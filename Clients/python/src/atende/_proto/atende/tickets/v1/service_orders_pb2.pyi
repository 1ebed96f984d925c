from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SERVICE_ORDER_STATUS_ANALYSIS: ServiceOrderStatus
SERVICE_ORDER_STATUS_ASSUMED: ServiceOrderStatus
SERVICE_ORDER_STATUS_AWAITING_RESCHEDULE: ServiceOrderStatus
SERVICE_ORDER_STATUS_EN_ROUTE: ServiceOrderStatus
SERVICE_ORDER_STATUS_FINISHED: ServiceOrderStatus
SERVICE_ORDER_STATUS_FORWARDED: ServiceOrderStatus
SERVICE_ORDER_STATUS_IN_EXECUTION: ServiceOrderStatus
SERVICE_ORDER_STATUS_OPEN: ServiceOrderStatus
SERVICE_ORDER_STATUS_SCHEDULED: ServiceOrderStatus
SERVICE_ORDER_STATUS_UNSPECIFIED: ServiceOrderStatus

class AssignTechnicianRequest(_message.Message):
    __slots__ = ["expected_version", "id", "technician_id"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TECHNICIAN_ID_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    technician_id: int
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., technician_id: _Optional[int] = ...) -> None: ...

class ChangeServiceOrderStatusRequest(_message.Message):
    __slots__ = ["expected_version", "id", "note", "status"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    note: str
    status: ServiceOrderStatus
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., status: _Optional[_Union[ServiceOrderStatus, str]] = ..., note: _Optional[str] = ...) -> None: ...

class GetServiceOrderRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListServiceOrdersRequest(_message.Message):
    __slots__ = ["department_id", "page_size", "page_token", "statuses", "technician_id", "ticket_id"]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    TECHNICIAN_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    department_id: int
    page_size: int
    page_token: str
    statuses: _containers.RepeatedScalarFieldContainer[ServiceOrderStatus]
    technician_id: int
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[ServiceOrderStatus, str]]] = ..., department_id: _Optional[int] = ..., technician_id: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListServiceOrdersResponse(_message.Message):
    __slots__ = ["next_page_token", "orders"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    orders: _containers.RepeatedCompositeFieldContainer[ServiceOrder]
    def __init__(self, orders: _Optional[_Iterable[_Union[ServiceOrder, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class OpenServiceOrderRequest(_message.Message):
    __slots__ = ["order"]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: ServiceOrder
    def __init__(self, order: _Optional[_Union[ServiceOrder, _Mapping]] = ...) -> None: ...

class RecordSignatureRequest(_message.Message):
    __slots__ = ["expected_version", "id", "signed_by"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    SIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    signed_by: str
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., signed_by: _Optional[str] = ...) -> None: ...

class ScheduleServiceOrderRequest(_message.Message):
    __slots__ = ["expected_version", "id", "scheduled_at"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_AT_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    scheduled_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ..., scheduled_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ServiceOrder(_message.Message):
    __slots__ = ["created_at", "department_id", "description", "id", "priority", "requires_signature", "scheduled_at", "signed_at", "signed_by", "status", "subject_id", "technician_id", "ticket_id", "updated_at", "version"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TECHNICIAN_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    department_id: int
    description: str
    id: int
    priority: _common_pb2.Priority
    requires_signature: bool
    scheduled_at: _timestamp_pb2.Timestamp
    signed_at: _timestamp_pb2.Timestamp
    signed_by: str
    status: ServiceOrderStatus
    subject_id: int
    technician_id: int
    ticket_id: int
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., subject_id: _Optional[int] = ..., department_id: _Optional[int] = ..., technician_id: _Optional[int] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., status: _Optional[_Union[ServiceOrderStatus, str]] = ..., scheduled_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., description: _Optional[str] = ..., requires_signature: bool = ..., signed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., signed_by: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class ServiceOrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
