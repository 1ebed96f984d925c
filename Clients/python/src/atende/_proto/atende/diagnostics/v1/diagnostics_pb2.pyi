from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EchoRequest(_message.Message):
    __slots__ = ["delay_millis", "fail_with_code", "payload", "repeat", "text"]
    DELAY_MILLIS_FIELD_NUMBER: _ClassVar[int]
    FAIL_WITH_CODE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    REPEAT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    delay_millis: int
    fail_with_code: int
    payload: bytes
    repeat: int
    text: str
    def __init__(self, payload: _Optional[bytes] = ..., text: _Optional[str] = ..., delay_millis: _Optional[int] = ..., repeat: _Optional[int] = ..., fail_with_code: _Optional[int] = ...) -> None: ...

class EchoResponse(_message.Message):
    __slots__ = ["payload", "sequence", "text"]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    sequence: int
    text: str
    def __init__(self, payload: _Optional[bytes] = ..., text: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...

class GetServerInfoRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class HealthCheckRequest(_message.Message):
    __slots__ = ["service"]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    service: str
    def __init__(self, service: _Optional[str] = ...) -> None: ...

class HealthCheckResponse(_message.Message):
    __slots__ = ["status"]
    class ServingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    NOT_SERVING: HealthCheckResponse.ServingStatus
    SERVICE_UNKNOWN: HealthCheckResponse.ServingStatus
    SERVING: HealthCheckResponse.ServingStatus
    SERVING_STATUS_UNSPECIFIED: HealthCheckResponse.ServingStatus
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: HealthCheckResponse.ServingStatus
    def __init__(self, status: _Optional[_Union[HealthCheckResponse.ServingStatus, str]] = ...) -> None: ...

class MethodInfo(_message.Message):
    __slots__ = ["kind", "name", "required_scope"]
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    BIDIRECTIONAL_STREAMING: MethodInfo.Kind
    CLIENT_STREAMING: MethodInfo.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_UNSPECIFIED: MethodInfo.Kind
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SCOPE_FIELD_NUMBER: _ClassVar[int]
    SERVER_STREAMING: MethodInfo.Kind
    UNARY: MethodInfo.Kind
    kind: MethodInfo.Kind
    name: str
    required_scope: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[MethodInfo.Kind, str]] = ..., required_scope: _Optional[str] = ...) -> None: ...

class ServerInfo(_message.Message):
    __slots__ = ["labels", "protocol_versions", "services", "started_at", "version"]
    class LabelsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.ScalarMap[str, str]
    protocol_versions: _containers.RepeatedScalarFieldContainer[int]
    services: _containers.RepeatedCompositeFieldContainer[ServiceInfo]
    started_at: _timestamp_pb2.Timestamp
    version: str
    def __init__(self, version: _Optional[str] = ..., protocol_versions: _Optional[_Iterable[int]] = ..., started_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., services: _Optional[_Iterable[_Union[ServiceInfo, _Mapping]]] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ServiceInfo(_message.Message):
    __slots__ = ["methods", "name"]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    methods: _containers.RepeatedCompositeFieldContainer[MethodInfo]
    name: str
    def __init__(self, name: _Optional[str] = ..., methods: _Optional[_Iterable[_Union[MethodInfo, _Mapping]]] = ...) -> None: ...
