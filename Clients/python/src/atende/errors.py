"""Status codes and the exception raised by failed calls (PROTOCOL.md §10)."""

from __future__ import annotations

import enum
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

MetadataValue = Union[str, bytes]
Metadata = List[Tuple[str, MetadataValue]]


class StatusCode(enum.IntEnum):
    """gRPC's status codes, as in ``atende.rpc.v1.StatusCode``."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def from_wire(cls, value: int) -> "StatusCode":
        """Maps a code number; numbers the client does not know become UNKNOWN (§10.3)."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


class FieldViolation(NamedTuple):
    """One broken rule of the request (``atende.rpc.v1.FieldViolation``)."""

    field: str
    reason: str
    description: str


class RpcError(Exception):
    """A call that did not end with ``OK``.

    Raised for the server's error TRAILERS and for failures detected by the client
    (deadline, cancellation, lost connection, size limits).
    """

    def __init__(
        self,
        code: StatusCode,
        message: str = "",
        *,
        field_violations: Sequence[FieldViolation] = (),
        omitted_field_violations: int = 0,
        reason: str = "",
        retry_after: Optional[float] = None,
        metadata: Optional[Metadata] = None,
        local: bool = False,
    ) -> None:
        self.code = StatusCode.from_wire(int(code))
        self.message = message
        self.field_violations: List[FieldViolation] = list(field_violations)
        #: How many more field violations the request had than ``field_violations``
        #: holds (the server sends at most 100, fewer when they would not fit the
        #: channel's ``max_frame_size``).
        self.omitted_field_violations = omitted_field_violations
        self.reason = reason
        #: Seconds not to retry before (``CallStatus.retry_after_millis``), or None.
        self.retry_after = retry_after
        #: Trailing metadata, as (key, str-or-bytes) pairs.
        self.metadata: Metadata = list(metadata or [])
        #: True when the client produced the error itself (nothing from the server).
        self.local = local
        #: True when the call is known not to have started on the server (§10.3):
        #: refused at shutdown or above a GOAWAY's last_stream_id. Safe to retry.
        self.never_started = False
        super().__init__(str(self))

    @classmethod
    def from_status(cls, status, metadata: Optional[Metadata] = None) -> "RpcError":
        """Builds the error from a ``CallStatus`` message."""
        known = status.code in StatusCode._value2member_map_
        message = status.message
        if not known:
            message = f"unknown status code {status.code}: {message}"
        return cls(
            StatusCode.from_wire(status.code),
            message,
            field_violations=[
                FieldViolation(v.field, v.reason, v.description) for v in status.field_violations
            ],
            omitted_field_violations=status.omitted_field_violations,
            reason=status.reason,
            retry_after=status.retry_after_millis / 1000 if status.retry_after_millis else None,
            metadata=metadata,
        )

    def __str__(self) -> str:
        text = f"{self.code.name}: {self.message}" if self.message else self.code.name
        if self.reason:
            text += f" [{self.reason}]"
        for v in self.field_violations:
            text += f"; {v.field}: {v.reason}"
            if v.description:
                text += f" ({v.description})"
        if self.omitted_field_violations:
            text += f"; and {self.omitted_field_violations} more field violations"
        return text

    def __repr__(self) -> str:
        return f"RpcError({self.code.name}, {self.message!r}, reason={self.reason!r})"
