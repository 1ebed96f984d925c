from atende.auth.v1 import options_pb2 as _options_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
TREND_DIMENSION_BRANCH: TrendDimension
TREND_DIMENSION_CHANNEL: TrendDimension
TREND_DIMENSION_DEPARTMENT: TrendDimension
TREND_DIMENSION_SUBJECT: TrendDimension
TREND_DIMENSION_UNSPECIFIED: TrendDimension
TREND_GRANULARITY_DAY: TrendGranularity
TREND_GRANULARITY_UNSPECIFIED: TrendGranularity
TREND_GRANULARITY_WEEK: TrendGranularity

class Count(_message.Message):
    __slots__ = ["count", "id", "name"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    count: int
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class DurationStats(_message.Message):
    __slots__ = ["count", "median_hours", "p90_hours"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_HOURS_FIELD_NUMBER: _ClassVar[int]
    P90_HOURS_FIELD_NUMBER: _ClassVar[int]
    count: int
    median_hours: float
    p90_hours: float
    def __init__(self, count: _Optional[int] = ..., median_hours: _Optional[float] = ..., p90_hours: _Optional[float] = ...) -> None: ...

class GetTicketMetricsRequest(_message.Message):
    __slots__ = ["branch_id", "department_id", "to"]
    BRANCH_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    branch_id: int
    department_id: int
    to: _timestamp_pb2.Timestamp
    def __init__(self, to: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., department_id: _Optional[int] = ..., branch_id: _Optional[int] = ..., **kwargs) -> None: ...

class GetTicketTrendsRequest(_message.Message):
    __slots__ = ["branch_id", "calendar_id", "department_id", "granularity", "group_by", "time_zone", "to"]
    BRANCH_ID_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    branch_id: int
    calendar_id: int
    department_id: int
    granularity: TrendGranularity
    group_by: TrendDimension
    time_zone: str
    to: _timestamp_pb2.Timestamp
    def __init__(self, to: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., granularity: _Optional[_Union[TrendGranularity, str]] = ..., group_by: _Optional[_Union[TrendDimension, str]] = ..., department_id: _Optional[int] = ..., branch_id: _Optional[int] = ..., calendar_id: _Optional[int] = ..., time_zone: _Optional[str] = ..., **kwargs) -> None: ...

class Percentiles(_message.Message):
    __slots__ = ["count", "p50_hours", "p90_hours", "p99_hours"]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    P50_HOURS_FIELD_NUMBER: _ClassVar[int]
    P90_HOURS_FIELD_NUMBER: _ClassVar[int]
    P99_HOURS_FIELD_NUMBER: _ClassVar[int]
    count: int
    p50_hours: float
    p90_hours: float
    p99_hours: float
    def __init__(self, count: _Optional[int] = ..., p50_hours: _Optional[float] = ..., p90_hours: _Optional[float] = ..., p99_hours: _Optional[float] = ...) -> None: ...

class SubjectSla(_message.Message):
    __slots__ = ["first_response_breaches", "first_response_target_hours", "solution_breaches", "solution_target_hours", "subject_id", "subject_name", "tickets"]
    FIRST_RESPONSE_BREACHES_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TARGET_HOURS_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_BREACHES_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_TARGET_HOURS_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    first_response_breaches: int
    first_response_target_hours: int
    solution_breaches: int
    solution_target_hours: int
    subject_id: int
    subject_name: str
    tickets: int
    def __init__(self, subject_id: _Optional[int] = ..., subject_name: _Optional[str] = ..., first_response_target_hours: _Optional[int] = ..., solution_target_hours: _Optional[int] = ..., tickets: _Optional[int] = ..., first_response_breaches: _Optional[int] = ..., solution_breaches: _Optional[int] = ...) -> None: ...

class TicketMetrics(_message.Message):
    __slots__ = ["open_by_assignee", "open_by_branch", "open_by_channel", "open_by_department", "open_by_priority", "open_by_status", "sla", "time_to_first_response", "time_to_solution", "to"]
    FROM_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_BRANCH_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_STATUS_FIELD_NUMBER: _ClassVar[int]
    SLA_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_SOLUTION_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    open_by_assignee: _containers.RepeatedCompositeFieldContainer[Count]
    open_by_branch: _containers.RepeatedCompositeFieldContainer[Count]
    open_by_channel: _containers.RepeatedCompositeFieldContainer[Count]
    open_by_department: _containers.RepeatedCompositeFieldContainer[Count]
    open_by_priority: _containers.RepeatedCompositeFieldContainer[Count]
    open_by_status: _containers.RepeatedCompositeFieldContainer[Count]
    sla: _containers.RepeatedCompositeFieldContainer[SubjectSla]
    time_to_first_response: DurationStats
    time_to_solution: DurationStats
    to: _timestamp_pb2.Timestamp
    def __init__(self, open_by_status: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., open_by_department: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., open_by_priority: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., open_by_assignee: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., open_by_channel: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., time_to_first_response: _Optional[_Union[DurationStats, _Mapping]] = ..., time_to_solution: _Optional[_Union[DurationStats, _Mapping]] = ..., sla: _Optional[_Iterable[_Union[SubjectSla, _Mapping]]] = ..., to: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., open_by_branch: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., **kwargs) -> None: ...

class TicketTrends(_message.Message):
    __slots__ = ["business_time", "first_response", "periods", "solution", "time_zone", "to"]
    BUSINESS_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    business_time: bool
    first_response: Percentiles
    periods: _containers.RepeatedCompositeFieldContainer[TrendPeriod]
    solution: Percentiles
    time_zone: str
    to: _timestamp_pb2.Timestamp
    def __init__(self, periods: _Optional[_Iterable[_Union[TrendPeriod, _Mapping]]] = ..., first_response: _Optional[_Union[Percentiles, _Mapping]] = ..., solution: _Optional[_Union[Percentiles, _Mapping]] = ..., business_time: bool = ..., time_zone: _Optional[str] = ..., to: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., **kwargs) -> None: ...

class TrendPeriod(_message.Message):
    __slots__ = ["end", "opened", "opened_by", "solved", "solved_by", "start"]
    END_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    OPENED_FIELD_NUMBER: _ClassVar[int]
    SOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    SOLVED_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    end: _timestamp_pb2.Timestamp
    opened: int
    opened_by: _containers.RepeatedCompositeFieldContainer[Count]
    solved: int
    solved_by: _containers.RepeatedCompositeFieldContainer[Count]
    start: _timestamp_pb2.Timestamp
    def __init__(self, start: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., opened: _Optional[int] = ..., solved: _Optional[int] = ..., opened_by: _Optional[_Iterable[_Union[Count, _Mapping]]] = ..., solved_by: _Optional[_Iterable[_Union[Count, _Mapping]]] = ...) -> None: ...

class TrendGranularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class TrendDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
