from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Identity(_message.Message):
    __slots__ = ["acting_for", "branches", "credential_id", "departments", "expires_at", "kind", "name", "recorded_actor", "scopes"]
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    ACTING_FOR_FIELD_NUMBER: _ClassVar[int]
    API_TOKEN: Identity.Kind
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE: Identity.Kind
    CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    JWT: Identity.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_UNSPECIFIED: Identity.Kind
    NAME_FIELD_NUMBER: _ClassVar[int]
    RECORDED_ACTOR_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    acting_for: str
    branches: _containers.RepeatedScalarFieldContainer[int]
    credential_id: str
    departments: _containers.RepeatedScalarFieldContainer[int]
    expires_at: _timestamp_pb2.Timestamp
    kind: Identity.Kind
    name: str
    recorded_actor: str
    scopes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[Identity.Kind, str]] = ..., scopes: _Optional[_Iterable[str]] = ..., departments: _Optional[_Iterable[int]] = ..., acting_for: _Optional[str] = ..., recorded_actor: _Optional[str] = ..., credential_id: _Optional[str] = ..., expires_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., branches: _Optional[_Iterable[int]] = ...) -> None: ...

class WhoAmIRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...
