from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ABORTED: StatusCode
ALREADY_EXISTS: StatusCode
CANCELLED: StatusCode
DATA_LOSS: StatusCode
DEADLINE_EXCEEDED: StatusCode
DESCRIPTOR: _descriptor.FileDescriptor
FAILED_PRECONDITION: StatusCode
INTERNAL: StatusCode
INVALID_ARGUMENT: StatusCode
NOT_FOUND: StatusCode
OK: StatusCode
OUT_OF_RANGE: StatusCode
PERMISSION_DENIED: StatusCode
RESOURCE_EXHAUSTED: StatusCode
UNAUTHENTICATED: StatusCode
UNAVAILABLE: StatusCode
UNIMPLEMENTED: StatusCode
UNKNOWN: StatusCode

class CallHeader(_message.Message):
    __slots__ = ["metadata", "method", "timeout_micros"]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MICROS_FIELD_NUMBER: _ClassVar[int]
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    method: str
    timeout_micros: int
    def __init__(self, method: _Optional[str] = ..., timeout_micros: _Optional[int] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ...) -> None: ...

class CallStatus(_message.Message):
    __slots__ = ["code", "field_violations", "message", "metadata", "omitted_field_violations", "reason", "retry_after_millis"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FIELD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    OMITTED_FIELD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MILLIS_FIELD_NUMBER: _ClassVar[int]
    code: StatusCode
    field_violations: _containers.RepeatedCompositeFieldContainer[FieldViolation]
    message: str
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    omitted_field_violations: int
    reason: str
    retry_after_millis: int
    def __init__(self, code: _Optional[_Union[StatusCode, str]] = ..., message: _Optional[str] = ..., field_violations: _Optional[_Iterable[_Union[FieldViolation, _Mapping]]] = ..., reason: _Optional[str] = ..., retry_after_millis: _Optional[int] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ..., omitted_field_violations: _Optional[int] = ...) -> None: ...

class ClientHello(_message.Message):
    __slots__ = ["agent", "initial_window_size", "max_frame_size", "metadata", "versions"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    INITIAL_WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_FRAME_SIZE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    agent: str
    initial_window_size: int
    max_frame_size: int
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    versions: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, versions: _Optional[_Iterable[int]] = ..., agent: _Optional[str] = ..., max_frame_size: _Optional[int] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ..., initial_window_size: _Optional[int] = ...) -> None: ...

class FieldViolation(_message.Message):
    __slots__ = ["description", "field", "reason"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    description: str
    field: str
    reason: str
    def __init__(self, field: _Optional[str] = ..., reason: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class GoAway(_message.Message):
    __slots__ = ["code", "last_stream_id", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: StatusCode
    last_stream_id: int
    message: str
    def __init__(self, last_stream_id: _Optional[int] = ..., code: _Optional[_Union[StatusCode, str]] = ..., message: _Optional[str] = ...) -> None: ...

class MetadataEntry(_message.Message):
    __slots__ = ["binary", "key", "text"]
    BINARY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    binary: bytes
    key: str
    text: str
    def __init__(self, key: _Optional[str] = ..., text: _Optional[str] = ..., binary: _Optional[bytes] = ...) -> None: ...

class ServerHello(_message.Message):
    __slots__ = ["agent", "connection_metadata", "idle_timeout_millis", "initial_window_size", "max_concurrent_calls", "max_frame_size", "version"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_METADATA_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_MILLIS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_WINDOW_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_CALLS_FIELD_NUMBER: _ClassVar[int]
    MAX_FRAME_SIZE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    agent: str
    connection_metadata: bool
    idle_timeout_millis: int
    initial_window_size: int
    max_concurrent_calls: int
    max_frame_size: int
    version: int
    def __init__(self, version: _Optional[int] = ..., agent: _Optional[str] = ..., max_frame_size: _Optional[int] = ..., max_concurrent_calls: _Optional[int] = ..., idle_timeout_millis: _Optional[int] = ..., connection_metadata: bool = ..., initial_window_size: _Optional[int] = ...) -> None: ...

class StatusCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
