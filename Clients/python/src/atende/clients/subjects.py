"""Typed stub for ``atende.subjects.v1.SubjectService`` (proto/atende/subjects/v1)."""

from __future__ import annotations

from typing import Optional

from atende.common.v1 import common_pb2 as common
from atende.subjects.v1 import subjects_pb2 as pb
from atende.subjects.v1.subjects_pb2 import (  # noqa: F401  (re-exported)
    CreateSubjectRequest,
    GetSubjectRequest,
    ListSubjectsRequest,
    ListSubjectsResponse,
    Subject,
    UpdateSubjectRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class SubjectsClient(UnaryStub):
    """Ticket subjects (Assuntos): create, get, update, list, read history.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """

    SERVICE = "atende.subjects.v1.SubjectService"

    async def create_subject(
        self,
        request: pb.CreateSubjectRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Subject:
        """Creates an (active) subject."""
        return await self._unary("CreateSubject", request, pb.Subject, timeout, metadata, actor)

    async def get_subject(
        self,
        request: pb.GetSubjectRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Subject:
        """A subject by id."""
        return await self._unary("GetSubject", request, pb.Subject, timeout, metadata, actor)

    async def update_subject(
        self,
        request: pb.UpdateSubjectRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Subject:
        """Changes fields (``update_mask``); a stale ``expected_version`` fails with ABORTED."""
        return await self._unary("UpdateSubject", request, pb.Subject, timeout, metadata, actor)

    async def list_subjects(
        self,
        request: Optional[pb.ListSubjectsRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.ListSubjectsResponse:
        """Subjects sorted by name (``query``, ``active_only``, pagination)."""
        return await self._unary(
            "ListSubjects",
            request if request is not None else pb.ListSubjectsRequest(),
            pb.ListSubjectsResponse,
            timeout,
            metadata,
            actor,
        )

    async def list_subject_history(
        self,
        request: common.ListHistoryRequest,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> common.ListHistoryResponse:
        """Every recorded change of subject ``request.id``, oldest first."""
        return await self._unary("ListSubjectHistory", request, common.ListHistoryResponse, timeout, metadata, actor)
