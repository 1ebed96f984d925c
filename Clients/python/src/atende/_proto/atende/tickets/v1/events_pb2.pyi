from atende.auth.v1 import options_pb2 as _options_pb2
from atende.tickets.v1 import tickets_pb2 as _tickets_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
TICKET_EVENT_KIND_ASSIGNED: TicketEventKind
TICKET_EVENT_KIND_CHANGED: TicketEventKind
TICKET_EVENT_KIND_CONTACT_CHANGED: TicketEventKind
TICKET_EVENT_KIND_CREATED: TicketEventKind
TICKET_EVENT_KIND_ESCALATED: TicketEventKind
TICKET_EVENT_KIND_FILE_ADDED: TicketEventKind
TICKET_EVENT_KIND_FILE_REMOVED: TicketEventKind
TICKET_EVENT_KIND_LAGGED: TicketEventKind
TICKET_EVENT_KIND_MESSAGE_ADDED: TicketEventKind
TICKET_EVENT_KIND_SERVICE_ORDER_CHANGED: TicketEventKind
TICKET_EVENT_KIND_STATUS_CHANGED: TicketEventKind
TICKET_EVENT_KIND_UNSPECIFIED: TicketEventKind

class TicketEvent(_message.Message):
    __slots__ = ["actor", "at", "dropped", "fields", "kind", "sequence", "ticket"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    actor: str
    at: _timestamp_pb2.Timestamp
    dropped: int
    fields: _containers.RepeatedScalarFieldContainer[str]
    kind: TicketEventKind
    sequence: int
    ticket: _tickets_pb2.Ticket
    def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[_Union[TicketEventKind, str]] = ..., ticket: _Optional[_Union[_tickets_pb2.Ticket, _Mapping]] = ..., actor: _Optional[str] = ..., at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., fields: _Optional[_Iterable[str]] = ..., dropped: _Optional[int] = ...) -> None: ...

class WatchTicketsRequest(_message.Message):
    __slots__ = ["after_sequence", "assignee_id", "department_id", "ticket_id"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    assignee_id: int
    department_id: int
    ticket_id: int
    def __init__(self, department_id: _Optional[int] = ..., assignee_id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class TicketEventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
