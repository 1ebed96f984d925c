from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateSubjectRequest(_message.Message):
    __slots__ = ["subject"]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    subject: Subject
    def __init__(self, subject: _Optional[_Union[Subject, _Mapping]] = ...) -> None: ...

class GetSubjectRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListSubjectsRequest(_message.Message):
    __slots__ = ["active_only", "page_size", "page_token", "query"]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    active_only: bool
    page_size: int
    page_token: str
    query: str
    def __init__(self, query: _Optional[str] = ..., active_only: bool = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSubjectsResponse(_message.Message):
    __slots__ = ["next_page_token", "subjects"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    subjects: _containers.RepeatedCompositeFieldContainer[Subject]
    def __init__(self, subjects: _Optional[_Iterable[_Union[Subject, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Subject(_message.Message):
    __slots__ = ["active", "channel_required", "complementary_status_required", "contract_required", "created_at", "default_department_id", "default_priority", "first_response_sla_hours", "id", "login_required", "name", "service_order_requires_signature", "solution_sla_hours", "updated_at", "version"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COMPLEMENTARY_STATUS_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_SLA_HOURS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LOGIN_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ORDER_REQUIRES_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_SLA_HOURS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    active: bool
    channel_required: bool
    complementary_status_required: bool
    contract_required: bool
    created_at: _timestamp_pb2.Timestamp
    default_department_id: int
    default_priority: _common_pb2.Priority
    first_response_sla_hours: int
    id: int
    login_required: bool
    name: str
    service_order_requires_signature: bool
    solution_sla_hours: int
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ..., default_priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., default_department_id: _Optional[int] = ..., contract_required: bool = ..., login_required: bool = ..., channel_required: bool = ..., complementary_status_required: bool = ..., service_order_requires_signature: bool = ..., first_response_sla_hours: _Optional[int] = ..., solution_sla_hours: _Optional[int] = ..., version: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateSubjectRequest(_message.Message):
    __slots__ = ["expected_version", "subject", "update_mask"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    subject: Subject
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, subject: _Optional[_Union[Subject, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...
