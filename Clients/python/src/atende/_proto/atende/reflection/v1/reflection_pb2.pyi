from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class FileDescriptors(_message.Message):
    __slots__ = ["file_descriptor_protos"]
    FILE_DESCRIPTOR_PROTOS_FIELD_NUMBER: _ClassVar[int]
    file_descriptor_protos: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, file_descriptor_protos: _Optional[_Iterable[bytes]] = ...) -> None: ...

class GetFileByNameRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetFileContainingSymbolRequest(_message.Message):
    __slots__ = ["symbol"]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class ListServicesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListServicesResponse(_message.Message):
    __slots__ = ["services"]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    services: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, services: _Optional[_Iterable[str]] = ...) -> None: ...
