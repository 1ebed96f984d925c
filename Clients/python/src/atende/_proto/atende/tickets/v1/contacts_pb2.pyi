from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AddTicketContactRequest(_message.Message):
    __slots__ = ["contact"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: TicketContact
    def __init__(self, contact: _Optional[_Union[TicketContact, _Mapping]] = ...) -> None: ...

class ListTicketContactsRequest(_message.Message):
    __slots__ = ["ticket_id"]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ticket_id: int
    def __init__(self, ticket_id: _Optional[int] = ...) -> None: ...

class ListTicketContactsResponse(_message.Message):
    __slots__ = ["contacts"]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[TicketContact]
    def __init__(self, contacts: _Optional[_Iterable[_Union[TicketContact, _Mapping]]] = ...) -> None: ...

class RemoveTicketContactRequest(_message.Message):
    __slots__ = ["expected_version", "id"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    id: int
    def __init__(self, id: _Optional[int] = ..., expected_version: _Optional[int] = ...) -> None: ...

class RemoveTicketContactResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class TicketContact(_message.Message):
    __slots__ = ["created_at", "email", "id", "name", "note", "phone", "ticket_id", "updated_at", "version"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    email: str
    id: int
    name: str
    note: str
    phone: str
    ticket_id: int
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[int] = ..., name: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., note: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class UpdateTicketContactRequest(_message.Message):
    __slots__ = ["contact", "expected_version", "update_mask"]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contact: TicketContact
    expected_version: int
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contact: _Optional[_Union[TicketContact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...
