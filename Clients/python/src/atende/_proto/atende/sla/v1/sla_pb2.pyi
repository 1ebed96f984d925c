from atende.auth.v1 import options_pb2 as _options_pb2
from atende.common.v1 import common_pb2 as _common_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
SLA_CLOCK_STATE_CANCELED: SlaClockState
SLA_CLOCK_STATE_COMPLETED: SlaClockState
SLA_CLOCK_STATE_PAUSED: SlaClockState
SLA_CLOCK_STATE_RUNNING: SlaClockState
SLA_CLOCK_STATE_UNSPECIFIED: SlaClockState
SLA_TARGET_KIND_FIRST_RESPONSE: SlaTargetKind
SLA_TARGET_KIND_RESOLUTION: SlaTargetKind
SLA_TARGET_KIND_UNSPECIFIED: SlaTargetKind
WEEKDAY_FRIDAY: Weekday
WEEKDAY_MONDAY: Weekday
WEEKDAY_SATURDAY: Weekday
WEEKDAY_SUNDAY: Weekday
WEEKDAY_THURSDAY: Weekday
WEEKDAY_TUESDAY: Weekday
WEEKDAY_UNSPECIFIED: Weekday
WEEKDAY_WEDNESDAY: Weekday

class BusinessCalendar(_message.Message):
    __slots__ = ["created_at", "holidays", "hours", "id", "name", "time_zone", "updated_at", "version"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    holidays: _containers.RepeatedCompositeFieldContainer[Holiday]
    hours: _containers.RepeatedCompositeFieldContainer[WorkingPeriod]
    id: int
    name: str
    time_zone: str
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., time_zone: _Optional[str] = ..., hours: _Optional[_Iterable[_Union[WorkingPeriod, _Mapping]]] = ..., holidays: _Optional[_Iterable[_Union[Holiday, _Mapping]]] = ..., version: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EscalationRule(_message.Message):
    __slots__ = ["active", "assign_employee_id", "created_at", "id", "name", "offset_minutes", "policy_id", "raise_priority_to", "reassign_department_id", "target", "updated_at", "version"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFSET_MINUTES_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    RAISE_PRIORITY_TO_FIELD_NUMBER: _ClassVar[int]
    REASSIGN_DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    active: bool
    assign_employee_id: int
    created_at: _timestamp_pb2.Timestamp
    id: int
    name: str
    offset_minutes: int
    policy_id: int
    raise_priority_to: _common_pb2.Priority
    reassign_department_id: int
    target: SlaTargetKind
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., active: bool = ..., policy_id: _Optional[int] = ..., target: _Optional[_Union[SlaTargetKind, str]] = ..., offset_minutes: _Optional[int] = ..., raise_priority_to: _Optional[_Union[_common_pb2.Priority, str]] = ..., reassign_department_id: _Optional[int] = ..., assign_employee_id: _Optional[int] = ..., version: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetCalendarRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class GetEscalationRuleRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class GetPolicyRequest(_message.Message):
    __slots__ = ["id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class Holiday(_message.Message):
    __slots__ = ["date", "name"]
    DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    date: str
    name: str
    def __init__(self, date: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ListCalendarsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListCalendarsResponse(_message.Message):
    __slots__ = ["calendars"]
    CALENDARS_FIELD_NUMBER: _ClassVar[int]
    calendars: _containers.RepeatedCompositeFieldContainer[BusinessCalendar]
    def __init__(self, calendars: _Optional[_Iterable[_Union[BusinessCalendar, _Mapping]]] = ...) -> None: ...

class ListEscalationRulesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListEscalationRulesResponse(_message.Message):
    __slots__ = ["rules"]
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[EscalationRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[EscalationRule, _Mapping]]] = ...) -> None: ...

class ListPoliciesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListPoliciesResponse(_message.Message):
    __slots__ = ["policies"]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[SlaPolicy]
    def __init__(self, policies: _Optional[_Iterable[_Union[SlaPolicy, _Mapping]]] = ...) -> None: ...

class PutCalendarRequest(_message.Message):
    __slots__ = ["calendar", "expected_version"]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    calendar: BusinessCalendar
    expected_version: int
    def __init__(self, calendar: _Optional[_Union[BusinessCalendar, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class PutEscalationRuleRequest(_message.Message):
    __slots__ = ["expected_version", "rule"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    rule: EscalationRule
    def __init__(self, rule: _Optional[_Union[EscalationRule, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class PutPolicyRequest(_message.Message):
    __slots__ = ["expected_version", "policy"]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    policy: SlaPolicy
    def __init__(self, policy: _Optional[_Union[SlaPolicy, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SlaPolicy(_message.Message):
    __slots__ = ["active", "calendar_id", "created_at", "first_response_minutes", "id", "name", "priority", "resolution_minutes", "subject_id", "updated_at", "version"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    active: bool
    calendar_id: int
    created_at: _timestamp_pb2.Timestamp
    first_response_minutes: int
    id: int
    name: str
    priority: _common_pb2.Priority
    resolution_minutes: int
    subject_id: int
    updated_at: _timestamp_pb2.Timestamp
    version: int
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., calendar_id: _Optional[int] = ..., subject_id: _Optional[int] = ..., priority: _Optional[_Union[_common_pb2.Priority, str]] = ..., first_response_minutes: _Optional[int] = ..., resolution_minutes: _Optional[int] = ..., active: bool = ..., version: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SlaTarget(_message.Message):
    __slots__ = ["breached", "completed_at", "due_at", "elapsed", "remaining", "state", "target"]
    BREACHED_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    breached: bool
    completed_at: _timestamp_pb2.Timestamp
    due_at: _timestamp_pb2.Timestamp
    elapsed: _duration_pb2.Duration
    remaining: _duration_pb2.Duration
    state: SlaClockState
    target: _duration_pb2.Duration
    def __init__(self, target: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., state: _Optional[_Union[SlaClockState, str]] = ..., due_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., elapsed: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., remaining: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., breached: bool = ..., completed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TicketSla(_message.Message):
    __slots__ = ["calendar_id", "first_response", "policy_id", "policy_name", "resolution"]
    CALENDAR_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_NAME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    calendar_id: int
    first_response: SlaTarget
    policy_id: int
    policy_name: str
    resolution: SlaTarget
    def __init__(self, policy_id: _Optional[int] = ..., policy_name: _Optional[str] = ..., calendar_id: _Optional[int] = ..., first_response: _Optional[_Union[SlaTarget, _Mapping]] = ..., resolution: _Optional[_Union[SlaTarget, _Mapping]] = ...) -> None: ...

class WorkingPeriod(_message.Message):
    __slots__ = ["end_minute", "start_minute", "weekday"]
    END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    end_minute: int
    start_minute: int
    weekday: Weekday
    def __init__(self, weekday: _Optional[_Union[Weekday, str]] = ..., start_minute: _Optional[int] = ..., end_minute: _Optional[int] = ...) -> None: ...

class Weekday(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SlaClockState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SlaTargetKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
