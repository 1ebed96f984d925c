"""Client of ``atende.tickets.v1.TicketFileService`` (proto/atende/tickets/v1/files.proto).

Besides one method per RPC (``upload_ticket_file``, ``download_ticket_file``,
``list_ticket_files``, ``delete_ticket_file``), :class:`FilesClient` has conveniences
that do the chunking: ``upload``, ``download``, ``open_download``, ``list``, ``delete``.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import AsyncIterable, Iterable
from typing import AsyncIterator, List, Optional, Tuple, Union

from atende.tickets.v1 import files_pb2 as pb
from atende.tickets.v1.files_pb2 import (  # noqa: F401  (re-exported)
    DeleteTicketFileRequest,
    DeleteTicketFileResponse,
    DownloadTicketFileRequest,
    DownloadTicketFileResponse,
    ListTicketFilesRequest,
    ListTicketFilesResponse,
    TicketFile,
    UploadHeader,
    UploadTicketFileRequest,
)

from ..channel import Call, MetadataArg
from ..errors import RpcError, StatusCode
from ..stubs.tickets_v1_files import TicketFileServiceStub

#: Largest ``chunk`` of an upload the server accepts (files.proto).
MAX_CHUNK_SIZE = 256 * 1024
DEFAULT_CHUNK_SIZE = 64 * 1024

BytesLike = Union[bytes, bytearray, memoryview]
#: File content: bytes, or a (sync or async) iterable of byte chunks of any size.
FileData = Union[BytesLike, Iterable[BytesLike], AsyncIterable[BytesLike]]


async def _chunks(data: FileData, chunk_size: int) -> AsyncIterator[bytes]:
    """``data`` as non-empty pieces of at most ``chunk_size`` bytes."""

    def split(piece: BytesLike) -> Iterable[bytes]:
        view = memoryview(piece).cast("B")
        for start in range(0, len(view), chunk_size):
            yield bytes(view[start : start + chunk_size])

    if isinstance(data, (bytes, bytearray, memoryview)):
        for chunk in split(data):
            yield chunk
    elif isinstance(data, AsyncIterable):
        async for piece in data:
            for chunk in split(piece):
                yield chunk
    elif isinstance(data, Iterable) and not isinstance(data, str):
        for piece in data:
            for chunk in split(piece):
                yield chunk
    else:
        raise TypeError(f"file data must be bytes or an iterable of bytes, not {type(data).__name__}")


class Download:
    """A download in progress: the file's description, then its content in chunks.

    Obtained from :meth:`FilesClient.open_download`::

        async with files.open_download(file_id) as download:
            print(download.file.name, download.file.size)   # TicketFile
            async for chunk in download:                    # bytes
                out.write(chunk)

    ``async with`` reads the description (``file``) on entry and cancels the call on exit
    if it is still open. With ``verify`` (the default), the end of the content is checked
    against ``file.size`` and ``file.sha256``; a mismatch raises :class:`RpcError`
    ``DATA_LOSS`` (``local=True``) from the iteration.
    """

    def __init__(self, call: Call, *, verify: bool = True) -> None:
        self.call = call
        self.verify = verify
        #: The file's description, once :meth:`start` (or ``async with``) has run.
        self.file: Optional[pb.TicketFile] = None
        #: Content bytes received so far.
        self.received = 0
        self._hash = hashlib.sha256()
        self._ended = False

    def _violation(self, message: str) -> RpcError:
        self.call.cancel(message)
        return RpcError(StatusCode.INTERNAL, message, local=True)

    async def start(self) -> pb.TicketFile:
        """Starts the call (if needed) and returns the file's description."""
        if self.file is None:
            first = await self.call.recv()
            if first is None:
                raise self._violation("the download ended without the file's description")
            if first.WhichOneof("part") != "file":
                raise self._violation("the download did not start with the file's description")
            self.file = first.file
        return self.file

    async def __aenter__(self) -> "Download":
        try:
            await self.start()
        except BaseException:
            self.call.cancel()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        self.call.cancel()  # no-op once the call has ended

    def cancel(self) -> None:
        """Abandons the download (CANCEL)."""
        self.call.cancel()

    def __aiter__(self) -> "Download":
        return self

    async def __anext__(self) -> bytes:
        await self.start()
        if self._ended:
            raise StopAsyncIteration
        while True:
            message = await self.call.recv()
            if message is None:
                self._ended = True
                self._check()
                raise StopAsyncIteration
            part = message.WhichOneof("part")
            if part == "chunk":
                if not message.chunk:
                    continue
                self.received += len(message.chunk)
                self._hash.update(message.chunk)
                return message.chunk
            raise self._violation(f"unexpected {part or 'empty'} message in the download's content")

    def _check(self) -> None:
        if not self.verify:
            return
        assert self.file is not None
        if self.received != self.file.size:
            raise RpcError(
                StatusCode.DATA_LOSS,
                f"download of file {self.file.id}: received {self.received} bytes, expected {self.file.size}",
                local=True,
            )
        digest = self._hash.hexdigest()
        if self.file.sha256 and digest != self.file.sha256.lower():
            raise RpcError(
                StatusCode.DATA_LOSS,
                f"download of file {self.file.id}: SHA-256 {digest}, expected {self.file.sha256}",
                local=True,
            )

    async def read(self) -> bytes:
        """The rest of the content."""
        return b"".join([chunk async for chunk in self])


class FilesClient(TicketFileServiceStub):
    """Attachments of tickets (the Files tab): streamed uploads and downloads, lists,
    removal.

    Every method takes ``timeout`` (seconds, for the whole transfer), ``metadata`` and
    ``actor`` (see :class:`TicketsClient`; the actor becomes ``TicketFile.uploaded_by``
    and is recorded in the ticket's history).
    """


    # ------------------------------------------------------------------ conveniences

    async def upload(
        self,
        ticket_id: int,
        name: str,
        data: FileData,
        *,
        content_type: Optional[str] = None,
        description: str = "",
        sha256: Optional[str] = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.TicketFile:
        """Uploads ``data`` (bytes, or a sync or async iterable of bytes, re-cut into
        chunks of at most ``chunk_size`` bytes) as file ``name`` of ticket ``ticket_id``
        and returns the stored :class:`TicketFile`.

        ``content_type`` defaults to a guess from ``name`` (``mimetypes``), else the
        server's default (``application/octet-stream``). With ``sha256`` (lower-case hex)
        the server rejects content with another digest (``INVALID_ARGUMENT``). A file
        over the server's size limit fails with ``RESOURCE_EXHAUSTED`` as soon as it
        passes it; a failed or interrupted upload leaves nothing behind.
        """
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}, not {chunk_size}")
        if content_type is None:
            content_type = mimetypes.guess_type(name, strict=False)[0] or ""
        header = pb.UploadHeader(
            ticket_id=ticket_id,
            name=name,
            content_type=content_type,
            description=description,
            sha256=sha256 or "",
        )

        async def requests() -> AsyncIterator[pb.UploadTicketFileRequest]:
            yield pb.UploadTicketFileRequest(header=header)
            async for chunk in _chunks(data, chunk_size):
                yield pb.UploadTicketFileRequest(chunk=chunk)

        return await self.upload_ticket_file(
            requests(), timeout=timeout, metadata=metadata, actor=actor
        )

    def open_download(
        self,
        file_id: int,
        *,
        verify: bool = True,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> Download:
        """Downloads file ``file_id`` chunk by chunk: ``async with`` the returned
        :class:`Download`, read ``.file``, then ``async for chunk in download``."""
        call = self.download_ticket_file(
            pb.DownloadTicketFileRequest(id=file_id), timeout=timeout, metadata=metadata, actor=actor
        )
        return Download(call, verify=verify)

    async def download(
        self,
        file_id: int,
        *,
        verify: bool = True,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> Tuple[pb.TicketFile, bytes]:
        """Downloads file ``file_id`` whole: ``(TicketFile, content)``. With ``verify``
        the content is checked against the file's size and SHA-256 (``DATA_LOSS``)."""
        async with self.open_download(
            file_id, verify=verify, timeout=timeout, metadata=metadata, actor=actor
        ) as download:
            content = await download.read()
            assert download.file is not None
            return download.file, content

    async def list(
        self,
        ticket_id: int,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> List[pb.TicketFile]:
        """The files of ticket ``ticket_id``, oldest first."""
        response = await self.list_ticket_files(
            pb.ListTicketFilesRequest(ticket_id=ticket_id), timeout=timeout, metadata=metadata, actor=actor
        )
        return [*response.files]

    async def delete(
        self,
        file_id: int,
        reason: str = "",
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> None:
        """Removes file ``file_id``; ``reason`` is recorded in the ticket's history."""
        await self.delete_ticket_file(
            pb.DeleteTicketFileRequest(id=file_id, reason=reason), timeout=timeout, metadata=metadata, actor=actor
        )

    # ------------------------------------------------------------------ one method per RPC
