from atende.auth.v1 import options_pb2 as _options_pb2
from atende.tickets.v1 import tickets_pb2 as _tickets_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

AUTHOR_KIND_CUSTOMER: AuthorKind
AUTHOR_KIND_EMPLOYEE: AuthorKind
AUTHOR_KIND_UNSPECIFIED: AuthorKind
DESCRIPTOR: _descriptor.FileDescriptor
VISIBILITY_INTERNAL: Visibility
VISIBILITY_PUBLIC: Visibility
VISIBILITY_UNSPECIFIED: Visibility

class AddTicketMessageRequest(_message.Message):
    __slots__ = ["expected_version", "message", "status"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    message: TicketMessage
    status: _tickets_pb2.TicketStatus
    def __init__(self, message: _Optional[_Union[TicketMessage, _Mapping]] = ..., status: _Optional[_Union[_tickets_pb2.TicketStatus, str]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class AddTicketMessageResponse(_message.Message):
    __slots__ = ["message", "ticket"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    message: TicketMessage
    ticket: _tickets_pb2.Ticket
    def __init__(self, message: _Optional[_Union[TicketMessage, _Mapping]] = ..., ticket: _Optional[_Union[_tickets_pb2.Ticket, _Mapping]] = ...) -> None: ...

class ListTicketMessagesRequest(_message.Message):
    __slots__ = ["newest_first", "page_size", "page_token", "public_only", "ticket_id"]
    NEWEST_FIRST_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_ONLY_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    newest_first: bool
    page_size: int
    page_token: str
    public_only: bool
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ..., newest_first: bool = ..., public_only: bool = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTicketMessagesResponse(_message.Message):
    __slots__ = ["messages", "next_page_token"]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[TicketMessage]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[TicketMessage, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class TicketMessage(_message.Message):
    __slots__ = ["author_id", "author_kind", "author_name", "created_at", "id", "status_change", "text", "ticket_id", "visibility"]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_KIND_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_CHANGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    author_id: int
    author_kind: AuthorKind
    author_name: str
    created_at: _timestamp_pb2.Timestamp
    id: int
    status_change: _tickets_pb2.TicketStatus
    text: str
    ticket_id: int
    visibility: Visibility
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., author_kind: _Optional[_Union[AuthorKind, str]] = ..., author_id: _Optional[int] = ..., author_name: _Optional[str] = ..., visibility: _Optional[_Union[Visibility, str]] = ..., text: _Optional[str] = ..., status_change: _Optional[_Union[_tickets_pb2.TicketStatus, str]] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuthorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Visibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
