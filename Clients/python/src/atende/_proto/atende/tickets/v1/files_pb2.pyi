from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeleteTicketFileRequest(_message.Message):
    __slots__ = ["expected_version", "id", "reason"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    reason: str
    def __init__(self, id: _Optional[int] = ..., reason: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class DeleteTicketFileResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DownloadTicketFileRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class DownloadTicketFileResponse(_message.Message):
    __slots__ = ["chunk", "file"]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    file: TicketFile
    def __init__(self, file: _Optional[_Union[TicketFile, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class ListTicketFilesRequest(_message.Message):
    __slots__ = ["ticket_id"]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ...) -> None: ...

class ListTicketFilesResponse(_message.Message):
    __slots__ = ["files"]
    FILES_FIELD_NUMBER: _ClassVar[int]
    files: _containers.RepeatedCompositeFieldContainer[TicketFile]
    def __init__(self, files: _Optional[_Iterable[_Union[TicketFile, _Mapping]]] = ...) -> None: ...

class TicketFile(_message.Message):
    __slots__ = ["content_type", "description", "id", "name", "sha256", "size", "ticket_id", "uploaded_at", "uploaded_by"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_AT_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    description: str
    id: int
    name: str
    sha256: str
    size: int
    ticket_id: int
    uploaded_at: _timestamp_pb2.Timestamp
    uploaded_by: str
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., name: _Optional[str] = ..., content_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., description: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., uploaded_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadHeader(_message.Message):
    __slots__ = ["content_type", "description", "expected_version", "name", "sha256", "ticket_id"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    description: str
    expected_version: int
    name: str
    sha256: str
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ..., name: _Optional[str] = ..., content_type: _Optional[str] = ..., description: _Optional[str] = ..., sha256: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class UploadTicketFileRequest(_message.Message):
    __slots__ = ["chunk", "header"]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    header: UploadHeader
    def __init__(self, header: _Optional[_Union[UploadHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...
