"""Channel (a lazily (re)connecting client) and calls of the four kinds (PROTOCOL.md §6).

The generic functions take a method path ("/<package>.<Service>/<Method>") and the
response message class; typed stubs such as :class:`atende.DiagnosticsClient` are thin
wrappers over them.
"""

from __future__ import annotations

import asyncio
import inspect
import ssl as _ssl
import re
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any, List, Optional, Type, TypeVar, Union

from google.protobuf.message import Message

from atende.rpc.v1 import protocol_pb2 as pb

from . import frames as F
from .connection import Connection, ConnectionUnusable, Stream, decode_metadata
from .tracing import with_trace_context
from .credentials import AUTHORIZATION_KEY, CredentialsProvider, bearer
from .errors import Metadata, RpcError, StatusCode

R = TypeVar("R", bound=Message)
MetadataArg = Union[None, Mapping, Iterable]
Requests = Union[Iterable[Message], AsyncIterable[Message]]

_KEY = re.compile(r"[a-z0-9_.\-]+\Z")
_OPEN_ATTEMPTS = 5


def encode_metadata(metadata: MetadataArg) -> List[pb.MetadataEntry]:
    """(key, value) pairs or a mapping → MetadataEntry list. str values are sent as
    `text`, bytes as `binary` (§7)."""
    if metadata is None:
        return []
    items = metadata.items() if isinstance(metadata, Mapping) else metadata
    entries = []
    for key, value in items:
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValueError(f"invalid metadata key {key!r}: use lower-case ASCII letters, digits, '-', '_', '.'")
        if key.startswith("atende-"):
            raise ValueError(f"metadata key {key!r}: keys starting with 'atende-' are reserved")
        if isinstance(value, str):
            entries.append(pb.MetadataEntry(key=key, text=value))
        elif isinstance(value, (bytes, bytearray, memoryview)):
            entries.append(pb.MetadataEntry(key=key, binary=bytes(value)))
        else:
            raise TypeError(f"metadata value for {key!r} must be str or bytes, not {type(value).__name__}")
    return entries


class Call:
    """One call. Obtained from :meth:`Channel.open_call` (any kind),
    :meth:`Channel.unary_stream` or :meth:`Channel.stream_stream`.

    - ``await call.send(msg)`` / ``await call.done_writing()`` send requests (streaming
      requests only);
    - ``await call.recv()`` returns the next response, None at the (successful) end, and
      raises :class:`RpcError` when the call failed; ``async for r in call`` iterates;
    - ``call.cancel()`` abandons the call (CANCEL frame). Cancelling the asyncio task
      that is awaiting a call's method cancels the call too;
    - ``async with call:`` starts it and cancels it on exit if it is still open.

    A call is started (HEADERS sent) on first use. Only one task should receive.
    """

    def __init__(
        self,
        channel: "Channel",
        method: str,
        response_type: Type[R],
        *,
        request: Optional[Message] = None,
        requests: Optional[Requests] = None,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        deadline: Optional[float] = None,
    ) -> None:
        loop = asyncio.get_running_loop()
        self._channel = channel
        self.method = method
        self._response_type = response_type
        self._request = request
        self._requests = requests
        # The caller's trace, read now: the call may start later, in another context.
        self._metadata = with_trace_context(encode_metadata(metadata))
        if deadline is None and timeout is not None:
            deadline = loop.time() + timeout
        #: Absolute deadline on the event loop's clock (loop.time()), or None.
        self.deadline = deadline
        self._conn: Optional[Connection] = None
        self._stream: Optional[Stream] = None
        self._start_lock = asyncio.Lock()
        self._local_error: Optional[RpcError] = None
        self._received_any = False
        self._attempts = 0
        self._sender: Optional[asyncio.Task] = None

    # ------------------------------------------------------------------ state

    @property
    def stream_id(self) -> Optional[int]:
        return self._stream.id if self._stream is not None else None

    @property
    def done(self) -> bool:
        """True once the call has ended (TRAILERS, cancellation, failure)."""
        if self._local_error is not None:
            return True
        return self._stream is not None and self._stream.finished

    @property
    def status(self) -> Optional[pb.CallStatus]:
        """The server's CallStatus (TRAILERS), once received."""
        return self._stream.status if self._stream is not None else None

    @property
    def code(self) -> Optional[StatusCode]:
        """The call's final code, None while it is open."""
        if self._local_error is not None:
            return self._local_error.code
        if self._stream is None or not self._stream.finished:
            return None
        return self._stream.error.code if self._stream.error is not None else StatusCode.OK

    @property
    def trailing_metadata(self) -> Metadata:
        status = self.status
        return decode_metadata(status.metadata) if status is not None else []

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Sends HEADERS (and the request, for unary and server-streaming calls)."""
        async with self._start_lock:
            if self._stream is not None:
                return
            if self._local_error is not None:
                raise self._local_error
            await self._open()
        if self._requests is not None and self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send_all(self._requests))

    async def _open(self) -> None:
        self._attempts += 1
        first = self._request.SerializeToString() if self._request is not None else None
        try:
            # Asked on every attempt: a replayed call gets the provider's current token.
            metadata = await self._channel._with_credentials(self._metadata, self.deadline)
            self._conn, self._stream = await self._channel._open_stream(
                self.method,
                self._response_type,
                metadata,
                first,
                self._request is not None,
                self.deadline,
            )
        except RpcError as e:
            self._local_error = e
            raise
        except asyncio.CancelledError:
            self._local_error = RpcError(StatusCode.CANCELLED, "cancelled by the client", local=True)
            raise

    def cancel(self, message: str = "cancelled by the client") -> None:
        """Abandons the call: sends CANCEL if it is open; pending and later receives
        raise RpcError CANCELLED."""
        self._stop_sender()
        error = RpcError(StatusCode.CANCELLED, message, local=True)
        if self._stream is None:
            if self._local_error is None:
                self._local_error = error
        elif not self._stream.finished:
            self._conn.cancel_stream(self._stream, error)

    def _stop_sender(self) -> None:
        if self._sender is not None and not self._sender.done():
            self._sender.cancel()

    def _fail(self, error: RpcError) -> None:
        if self._stream is not None and not self._stream.finished:
            self._conn.cancel_stream(self._stream, error)
        elif self._stream is None and self._local_error is None:
            self._local_error = error

    async def __aenter__(self) -> "Call":
        try:
            await self.start()
        except BaseException:
            self.cancel()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        self.cancel()

    def __del__(self) -> None:
        # Safety net: a call dropped while open is cancelled, so the server stops it.
        stream, conn = getattr(self, "_stream", None), getattr(self, "_conn", None)
        if stream is not None and conn is not None and not stream.finished:
            try:
                conn._loop.call_soon_threadsafe(
                    conn.cancel_stream,
                    stream,
                    RpcError(StatusCode.CANCELLED, "call abandoned", local=True),
                )
            except RuntimeError:  # loop closed
                pass

    # ------------------------------------------------------------------ sending

    async def send(self, message: Message, *, last: bool = False) -> bool:
        """Sends one request message (END_STREAM with it when `last`).

        Returns False when the call has already ended (the message was dropped; the
        outcome is reported by :meth:`recv`). Raises RpcError RESOURCE_EXHAUSTED, and
        cancels the call, for a message over the server's max frame size.
        """
        return await self.send_bytes(message.SerializeToString(), last=last)

    async def send_bytes(self, payload: bytes, *, last: bool = False, _check_size: bool = True) -> bool:
        """Sends one already serialized request message."""
        if self._request is not None:
            raise TypeError(f"{self.method}: the request of this call was given when it was created")
        await self._ensure_started()
        try:
            sent = await self._conn.send_message(self._stream, payload, last, check_size=_check_size)
            if sent:
                await self._conn.drain()
                # drain() does not suspend while the socket keeps up (loopback), so a
                # sender looping over a request iterator would never let the reader task
                # run: it would miss the server's early TRAILERS (e.g. an upload over
                # the size limit) and go on sending into a finished call. Yield once.
                await asyncio.sleep(0)
            return sent
        except asyncio.CancelledError:
            self.cancel()
            raise

    async def done_writing(self) -> None:
        """Half-closes: no more request messages (HALF_CLOSE)."""
        if self._request is not None:
            return
        await self._ensure_started()
        self._conn.half_close(self._stream)

    async def _send_all(self, requests: Requests) -> None:
        try:
            if isinstance(requests, AsyncIterable):
                async for request in requests:
                    if not await self.send(request):
                        return
            else:
                for request in requests:
                    if not await self.send(request):
                        return
            await self.done_writing()
        except RpcError:
            pass  # the call has failed; recv() reports it
        except asyncio.CancelledError:
            raise
        except Exception as e:
            self.cancel(f"the request iterator raised {e!r}")

    # ------------------------------------------------------------------ receiving

    async def _ensure_started(self) -> None:
        if self._stream is None:
            await self.start()

    async def recv(self) -> Optional[R]:
        """The next response; None when the call ended with OK; raises RpcError."""
        try:
            await self._ensure_started()
            while True:
                try:
                    message = await self._stream.next()
                except RpcError as e:
                    if (
                        e.never_started
                        and self._request is not None
                        and not self._received_any
                        and self._attempts < self._channel.retries + 1
                    ):
                        # Refused at shutdown / above GOAWAY.last_stream_id: replay the
                        # request on a new connection (§10.3).
                        self._stream = None
                        await self._open()
                        continue
                    raise
                if message is not None:
                    self._received_any = True
                else:
                    self._stop_sender()
                return message
        except RpcError:
            self._stop_sender()
            raise
        except asyncio.CancelledError:
            self.cancel()
            raise

    def __aiter__(self) -> "Call":
        return self

    async def __anext__(self) -> R:
        message = await self.recv()
        if message is None:
            raise StopAsyncIteration
        return message

    async def single_response(self) -> R:
        """The one response of a unary or client-streaming call (§6.3)."""
        first = await self.recv()
        if first is None:
            raise RpcError(StatusCode.INTERNAL, "the server ended the call with OK but sent no response", local=True)
        second = await self.recv()
        if second is not None:
            error = RpcError(StatusCode.INTERNAL, "the server sent more than one response", local=True)
            self._fail(error)
            raise error
        return first


class Channel:
    """A client of one Atende server.

    Connects lazily (or eagerly with ``await channel.connect()`` / ``async with``),
    multiplexes every call over one connection, and opens a new connection when the
    current one is lost, receives GOAWAY or runs out of stream ids.

    ``timeout`` arguments are seconds (float); the deadline covers waiting for the
    connection, and is sent to the server as ``timeout_micros``.

    Credentials (docs/SECURITY.md): ``token=`` (an API token or a JWT) or
    ``credentials=`` (a callable, sync or async, returning the current token, asked before
    every call, so a short-lived JWT can be refreshed; ``None`` or ``""`` = no credential
    for that call) is sent as ``authorization: Bearer <token>`` with every call whose
    ``metadata=`` has no ``authorization`` entry of its own. A provider that raises fails
    the call with ``UNAUTHENTICATED`` (``local``; an :class:`RpcError` it raises is passed
    on as is); one that outlasts the call's deadline, with ``DEADLINE_EXCEEDED``. Without
    either, calls carry no credential: the server answers only its public methods
    (``Check``, ``GetServerInfo``). :func:`atende.resolve_token` finds the token the CLI
    would use (``ATENDE_TOKEN``, the local token file).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 7400,
        *,
        agent: Optional[str] = None,
        max_frame_size: int = F.DEFAULT_MAX_FRAME_SIZE,
        initial_window_size: int = F.DEFAULT_INITIAL_WINDOW,
        connect_timeout: Optional[float] = 10.0,
        retries: int = 2,
        token: Optional[str] = None,
        credentials: Optional[CredentialsProvider] = None,
        ssl: Optional[_ssl.SSLContext] = None,
        server_hostname: Optional[str] = None,
    ) -> None:
        from . import __version__

        if token is not None and credentials is not None:
            raise ValueError("give token= or credentials=, not both")
        if token is not None:
            if not isinstance(token, str):
                raise TypeError(f"token must be a str, not {type(token).__name__}")
            if not token:
                raise ValueError("token is empty (pass None for no credential)")
        if credentials is not None and not callable(credentials):
            raise TypeError("credentials must be a callable returning the token")

        self.host = host
        self.port = port
        self.agent = agent or f"atende-python/{__version__}"
        #: Largest frame payload this client accepts (ClientHello.max_frame_size).
        self.max_frame_size = max_frame_size
        #: How many bytes of responses a server speaking protocol version 2 sends on one
        #: stream before the caller takes them (ClientHello.initial_window_size, §13): a
        #: stream nobody reads holds at most this much, and stops only its own call.
        self.initial_window_size = initial_window_size
        self.connect_timeout = connect_timeout
        #: How often a call that never started (§10.3) is replayed on a new connection.
        self.retries = retries
        self._token = token
        self._credentials = credentials
        #: The TLS context (``atende.tls_context(...)``), or None for plain TCP.
        self.ssl = ssl
        #: The name the server's certificate must carry; None = ``host``.
        self.server_hostname = server_hostname
        self._conn: Optional[Connection] = None
        self._connecting: Optional[asyncio.Task] = None
        self._connections: set = set()
        self._closed = False

    # ------------------------------------------------------------------ credentials

    @property
    def has_credentials(self) -> bool:
        """True when the channel was given a ``token=`` or a ``credentials=`` provider."""
        return self._token is not None or self._credentials is not None

    async def _current_token(self, deadline: Optional[float]) -> Optional[str]:
        if self._token is not None:
            return self._token
        if self._credentials is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            token = self._credentials()
            if inspect.isawaitable(token):
                timeout = None if deadline is None else max(0.0, deadline - loop.time())
                waiting = asyncio.ensure_future(token)
                try:
                    done, _ = await asyncio.wait({waiting}, timeout=timeout)
                finally:
                    if not waiting.done():  # deadline, or our caller was cancelled
                        waiting.cancel()
                if not done:
                    raise RpcError(
                        StatusCode.DEADLINE_EXCEEDED, "deadline exceeded while getting the credentials", local=True
                    )
                if waiting.cancelled():
                    raise RpcError(StatusCode.UNAUTHENTICATED, "no credentials: the provider was cancelled", local=True)
                token = waiting.result()
        except (RpcError, asyncio.CancelledError):
            raise
        except Exception as e:
            raise RpcError(StatusCode.UNAUTHENTICATED, f"no credentials: {e!r}", local=True) from e
        if token is not None and not isinstance(token, str):
            raise RpcError(
                StatusCode.UNAUTHENTICATED,
                f"no credentials: the provider returned a {type(token).__name__}, not a str",
                local=True,
            )
        return token or None

    async def _with_credentials(
        self, metadata: List[pb.MetadataEntry], deadline: Optional[float]
    ) -> List[pb.MetadataEntry]:
        """The call's metadata plus ``authorization: Bearer <token>``, unless it has an
        ``authorization`` entry of its own or the channel has no credential."""
        if self._token is not None:
            return metadata  # a fixed token travels once per connection (_open_stream)
        if not self.has_credentials or any(entry.key == AUTHORIZATION_KEY for entry in metadata):
            return metadata
        token = await self._current_token(deadline)
        if token is None:
            return metadata
        return [*metadata, pb.MetadataEntry(key=AUTHORIZATION_KEY, text=bearer(token))]

    # ------------------------------------------------------------------ connections

    async def __aenter__(self) -> "Channel":
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> pb.ServerHello:
        """Connects now (if not connected) and returns the server's ServerHello."""
        conn = await self._connection(None)
        return conn.server_hello

    @property
    def server_hello(self) -> Optional[pb.ServerHello]:
        return self._conn.server_hello if self._conn is not None else None

    async def _connection(self, deadline: Optional[float]) -> Connection:
        if self._closed:
            raise RpcError(StatusCode.UNAVAILABLE, "the channel is closed", local=True)
        conn = self._conn
        if conn is not None and conn.usable:
            return conn
        task = self._connecting
        if task is None:
            task = asyncio.get_running_loop().create_task(self._connect())
            self._connecting = task
            task.add_done_callback(self._connect_done)
        loop = asyncio.get_running_loop()
        timeout = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        except asyncio.TimeoutError:
            raise RpcError(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded while connecting", local=True) from None
        except asyncio.CancelledError:
            if task.cancelled() and self._closed:  # close() stopped the connect, not our caller
                raise RpcError(StatusCode.CANCELLED, "the channel was closed", local=True) from None
            raise

    def _connect_done(self, task: asyncio.Task) -> None:
        if self._connecting is task:
            self._connecting = None
        if not task.cancelled():
            task.exception()  # retrieved: the waiters get it

    async def _connect(self) -> Connection:
        conn = await Connection.open(
            self.host,
            self.port,
            agent=self.agent,
            max_frame_size=self.max_frame_size,
            initial_window_size=self.initial_window_size,
            handshake_timeout=self.connect_timeout,
            metadata=self._connection_metadata(),
            ssl=self.ssl,
            server_hostname=self.server_hostname,
        )
        if self._closed:
            conn.close()
            raise RpcError(StatusCode.UNAVAILABLE, "the channel is closed", local=True)
        self._connections = {c for c in self._connections if not c.closed}
        self._connections.add(conn)
        self._conn = conn
        return conn

    def _connection_metadata(self) -> List[pb.MetadataEntry]:
        """What every connection sends in its HELLO for all of its calls (§7.1): the
        ``token=``, which then does not travel with each call."""
        if self._token is None:
            return []
        return [pb.MetadataEntry(key=AUTHORIZATION_KEY, text=bearer(self._token))]

    def _call_metadata(self, conn: Connection, metadata: List[pb.MetadataEntry]) -> List[pb.MetadataEntry]:
        """A call's metadata on ``conn``: a server that ignored the connection metadata
        (``ServerHello.connection_metadata`` false) gets it with each call, unless the call
        has an entry of the same key."""
        if conn.server_hello.connection_metadata:
            return metadata
        keys = {entry.key for entry in metadata}
        return [*metadata, *(entry for entry in self._connection_metadata() if entry.key not in keys)]

    async def _open_stream(self, method, response_type, metadata, first, end, deadline):
        for _ in range(_OPEN_ATTEMPTS):
            conn = await self._connection(deadline)
            header = pb.CallHeader(method=method, metadata=self._call_metadata(conn, metadata))
            try:
                stream = await conn.open_stream(header, response_type, first, end, deadline)
            except ConnectionUnusable:
                continue
            try:
                await conn.drain()
            except asyncio.CancelledError:
                conn.cancel_stream(stream, RpcError(StatusCode.CANCELLED, "cancelled by the client", local=True))
                raise
            return conn, stream
        raise RpcError(StatusCode.UNAVAILABLE, "no usable connection", local=True)

    async def ping(self, timeout: Optional[float] = None) -> float:
        """PING round trip on the current connection, in seconds."""
        conn = await self._connection(None)
        return await conn.ping(timeout)

    async def close(self) -> None:
        """Closes every connection; open calls fail with CANCELLED."""
        self._closed = True
        if self._connecting is not None:
            self._connecting.cancel()
        connections = list(self._connections)
        self._connections.clear()
        self._conn = None
        for conn in connections:
            conn.close()
        for conn in connections:
            await conn.wait_closed()

    # ------------------------------------------------------------------ generic calls

    def open_call(
        self,
        method: str,
        response_type: Type[R],
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> Call:
        """A call of any kind, driven by hand with send/done_writing/recv."""
        return Call(self, method, response_type, timeout=timeout, metadata=metadata)

    async def unary_unary(
        self,
        method: str,
        request: Message,
        response_type: Type[R],
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        with_call: bool = False,
    ) -> Any:
        """One request, one response. With ``with_call=True`` returns
        ``(response, call)`` (the call has the trailing metadata)."""
        call = Call(self, method, response_type, request=request, timeout=timeout, metadata=metadata)
        try:
            response = await call.single_response()
        finally:
            call.cancel()  # no-op once ended; sends CANCEL on asyncio cancellation
        return (response, call) if with_call else response

    def unary_stream(
        self,
        method: str,
        request: Message,
        response_type: Type[R],
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> Call:
        """One request, a stream of responses: ``async for response in ...``. Use
        ``async with`` (or ``cancel()``) to stop reading early."""
        return Call(self, method, response_type, request=request, timeout=timeout, metadata=metadata)

    async def stream_unary(
        self,
        method: str,
        requests: Requests,
        response_type: Type[R],
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        with_call: bool = False,
    ) -> Any:
        """A stream of requests (sync or async iterable), one response."""
        call = Call(self, method, response_type, timeout=timeout, metadata=metadata)
        try:
            await call.start()
            if isinstance(requests, AsyncIterable):
                async for request in requests:
                    if not await call.send(request):
                        break
            else:
                for request in requests:
                    if not await call.send(request):
                        break
            await call.done_writing()
            response = await call.single_response()
        finally:
            call.cancel()
        return (response, call) if with_call else response

    def stream_stream(
        self,
        method: str,
        response_type: Type[R],
        requests: Optional[Requests] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
    ) -> Call:
        """Streams in both directions. Either pass `requests` (sent by a background
        task, then half-closed) and iterate the responses, or drive the call with
        ``send``/``done_writing``/``recv``."""
        return Call(self, method, response_type, requests=requests, timeout=timeout, metadata=metadata)
