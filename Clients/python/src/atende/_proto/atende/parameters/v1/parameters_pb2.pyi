from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GeneralParameters(_message.Message):
    __slots__ = ["subject_required", "updated_at", "updated_by", "version"]
    SUBJECT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    subject_required: bool
    updated_at: _timestamp_pb2.Timestamp
    updated_by: str
    version: int
    def __init__(self, subject_required: bool = ..., version: _Optional[int] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class GetParametersRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class UpdateParametersRequest(_message.Message):
    __slots__ = ["expected_version", "parameters", "update_mask"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    parameters: GeneralParameters
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, parameters: _Optional[_Union[GeneralParameters, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...
