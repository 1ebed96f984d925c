"""Client of ``atende.subjects.v1.SubjectService`` (proto/atende/subjects/v1)."""

from __future__ import annotations

from atende.common.v1 import common_pb2 as common
from atende.subjects.v1.subjects_pb2 import (  # noqa: F401  (re-exported)
    CreateSubjectRequest,
    GetSubjectRequest,
    ListSubjectsRequest,
    ListSubjectsResponse,
    Subject,
    UpdateSubjectRequest,
)

from ..stubs.subjects_v1_subjects import SubjectServiceStub


class SubjectsClient(SubjectServiceStub):
    """Ticket subjects (Assuntos): create, get, update, list, read history.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
