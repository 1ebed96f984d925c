from atende.auth.v1 import options_pb2 as _options_pb2
from atende.tickets.v1 import tickets_pb2 as _tickets_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
TICKET_LINK_KIND_CAUSED_BY: TicketLinkKind
TICKET_LINK_KIND_DUPLICATE_OF: TicketLinkKind
TICKET_LINK_KIND_PARENT_OF: TicketLinkKind
TICKET_LINK_KIND_RELATED: TicketLinkKind
TICKET_LINK_KIND_UNSPECIFIED: TicketLinkKind

class LinkTicketsRequest(_message.Message):
    __slots__ = ["expected_version", "link"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    link: TicketLink
    def __init__(self, link: _Optional[_Union[TicketLink, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ListTicketLinksRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "ticket_id"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTicketLinksResponse(_message.Message):
    __slots__ = ["links", "next_page_token"]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    links: _containers.RepeatedCompositeFieldContainer[TicketLink]
    next_page_token: str
    def __init__(self, links: _Optional[_Iterable[_Union[TicketLink, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MergeTicketsRequest(_message.Message):
    __slots__ = ["source_expected_version", "source_id", "target_expected_version", "target_id"]
    SOURCE_EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    source_expected_version: int
    source_id: int
    target_expected_version: int
    target_id: int
    def __init__(self, source_id: _Optional[int] = ..., source_expected_version: _Optional[int] = ..., target_id: _Optional[int] = ..., target_expected_version: _Optional[int] = ...) -> None: ...

class MergeTicketsResponse(_message.Message):
    __slots__ = ["source", "target"]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    source: _tickets_pb2.Ticket
    target: _tickets_pb2.Ticket
    def __init__(self, source: _Optional[_Union[_tickets_pb2.Ticket, _Mapping]] = ..., target: _Optional[_Union[_tickets_pb2.Ticket, _Mapping]] = ...) -> None: ...

class TicketLink(_message.Message):
    __slots__ = ["created_at", "created_by", "id", "kind", "other_ticket_id", "ticket_id"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OTHER_TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    created_by: str
    id: int
    kind: TicketLinkKind
    other_ticket_id: int
    ticket_id: int
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., kind: _Optional[_Union[TicketLinkKind, str]] = ..., other_ticket_id: _Optional[int] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UnlinkTicketsRequest(_message.Message):
    __slots__ = ["expected_version", "id"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ...) -> None: ...

class UnlinkTicketsResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class TicketLinkKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
