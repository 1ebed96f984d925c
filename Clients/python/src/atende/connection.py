"""One TCP connection speaking the Atende protocol (PROTOCOL.md §1–§13).

A :class:`Connection` performs the HELLO handshake, allocates stream ids, writes frames,
and runs one reader task that routes the server's frames to the open calls by stream
id, answers PINGs, and handles GOAWAY. The user-facing API is :mod:`atende.channel`.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import ssl as _ssl
import struct
from typing import Callable, Deque, Dict, List, Optional, Sequence

from google.protobuf.message import DecodeError

from atende.rpc.v1 import protocol_pb2 as pb

from . import frames as F
from .errors import RpcError, StatusCode

log = logging.getLogger("atende")


class ConnectionUnusable(Exception):
    """The connection takes no new calls (GOAWAY, closed, stream ids exhausted)."""


def _local(code: StatusCode, message: str, **kwargs) -> RpcError:
    return RpcError(code, message, local=True, **kwargs)


def decode_metadata(entries) -> List[tuple]:
    out = []
    for entry in entries:
        if entry.WhichOneof("value") == "binary":
            out.append((entry.key, entry.binary))
        else:
            out.append((entry.key, entry.text))
    return out


class Stream:
    """The client's state of one call on a connection."""

    __slots__ = (
        "id",
        "response_type",
        "messages",
        "finished",
        "status",
        "error",
        "timer",
        "_waiters",
        "send_window",
        "receive_window",
        "unacknowledged",
        "on_consumed",
        "_credit_waiter",
    )

    def __init__(self, stream_id: int, response_type, send_window: int = 0, receive_window: int = 0) -> None:
        self.id = stream_id
        self.response_type = response_type
        #: (message, cost against the receive window) in arrival order.
        self.messages: Deque = collections.deque()
        self.finished = False
        #: The CallStatus of the server's TRAILERS, when the call ended with them.
        self.status: Optional[pb.CallStatus] = None
        #: Why the call failed (from TRAILERS or local), None if OK or still open.
        self.error: Optional[RpcError] = None
        self.timer: Optional[asyncio.TimerHandle] = None
        self._waiters: List[asyncio.Future] = []
        #: Protocol version 2 (§13): bytes of request MESSAGEs the server accepts now,
        #: bytes of response MESSAGEs it may still send, and bytes taken by the caller
        #: but not yet granted back with WINDOW_UPDATE.
        self.send_window = send_window
        self.receive_window = receive_window
        self.unacknowledged = 0
        #: Called with a message's cost when the caller takes it (version 2).
        self.on_consumed: Optional[Callable[["Stream", int], None]] = None
        self._credit_waiter: Optional[asyncio.Future] = None

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    def push(self, message, cost: int = 0) -> None:
        self.messages.append((message, cost))
        self._wake()

    def wake_sender(self) -> None:
        """Wakes a sender waiting for window (credit arrived or the call ended)."""
        waiter, self._credit_waiter = self._credit_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def finish(self, status: Optional[pb.CallStatus] = None, error: Optional[RpcError] = None) -> None:
        if self.finished:
            return
        self.finished = True
        self.status = status
        self.error = error
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._wake()
        self.wake_sender()

    async def next(self):
        """The next response message; None at a successful end; raises the call's error."""
        while True:
            if self.messages:
                message, cost = self.messages.popleft()
                if cost and self.on_consumed is not None:
                    self.on_consumed(self, cost)
                return message
            if self.finished:
                if self.error is not None:
                    raise self.error
                return None
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter


class Connection:
    """A handshaken connection to a server. Create with :meth:`open`."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        server_hello: pb.ServerHello,
        max_recv_size: int,
        initial_window_size: int = F.DEFAULT_INITIAL_WINDOW,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._reader = reader
        self._writer = writer
        self.server_hello = server_hello
        #: Largest payload the server accepts (ServerHello.max_frame_size, 0 = default).
        self.max_send_size = server_hello.max_frame_size or F.DEFAULT_MAX_FRAME_SIZE
        #: Largest payload this client accepts (what it sent in ClientHello).
        self.max_recv_size = max_recv_size
        self.max_calls = server_hello.max_concurrent_calls or F.DEFAULT_MAX_CONCURRENT_CALLS
        #: The protocol version the server chose (§4).
        self.version = server_hello.version
        #: Version 2 (§13): each stream's window for requests (the server's) and for
        #: responses (this client's, as sent in ClientHello).
        self.flow_control = self.version >= F.FLOW_CONTROL_VERSION
        self.send_window = server_hello.initial_window_size or F.DEFAULT_INITIAL_WINDOW
        self.receive_window = initial_window_size
        self._grants: Dict[int, Stream] = {}
        self._grant_scheduled = False
        self._streams: Dict[int, Stream] = {}
        self._next_id = 1
        self._slot_waiters: Deque[asyncio.Future] = collections.deque()
        self._pings: Dict[bytes, asyncio.Future] = {}
        self._ping_counter = 0
        #: The server's GoAway, once received.
        self.goaway: Optional[pb.GoAway] = None
        self.closed = False
        self._closed_event = asyncio.Event()
        self._reader_task = self._loop.create_task(self._read_loop())

    # ------------------------------------------------------------------ handshake

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        agent: str,
        max_frame_size: int,
        handshake_timeout: Optional[float],
        metadata: Sequence[pb.MetadataEntry] = (),
        ssl: Optional["_ssl.SSLContext"] = None,
        server_hostname: Optional[str] = None,
        initial_window_size: int = F.DEFAULT_INITIAL_WINDOW,
    ) -> "Connection":
        """Connects and performs the HELLO handshake (§4), sending ``metadata`` as the
        connection metadata (§7.1) and ``initial_window_size`` as each stream's window for
        responses (§13; raised to ``max_frame_size`` + 10 if smaller).

        Raises RpcError: UNAVAILABLE when the server cannot be reached or breaks the
        protocol, or the code and message of a GOAWAY sent instead of ServerHello.
        """
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    host, port, ssl=ssl, server_hostname=(server_hostname or host) if ssl is not None else None
                ),
                handshake_timeout,
            )
        except asyncio.TimeoutError:
            raise _local(StatusCode.UNAVAILABLE, f"timed out connecting to {host}:{port}") from None
        except OSError as e:
            raise _local(StatusCode.UNAVAILABLE, f"cannot connect to {host}:{port}: {e}") from None
        window = min(max(initial_window_size, F.message_cost(max_frame_size)), F.MAX_WINDOW)
        try:
            hello = pb.ClientHello(
                versions=list(F.PROTOCOL_VERSIONS),
                agent=agent,
                max_frame_size=max_frame_size,
                metadata=metadata,
                initial_window_size=window,
            )
            writer.write(F.encode_frame(F.FrameType.HELLO, 0, 0, hello.SerializeToString()))
            header, payload = await asyncio.wait_for(
                _read_first_frame(reader, max_frame_size), handshake_timeout
            )
            if header.type == F.FrameType.GOAWAY:
                goaway = pb.GoAway.FromString(payload)
                raise RpcError(StatusCode.from_wire(goaway.code), goaway.message)
            if header.type != F.FrameType.HELLO:
                raise F.ProtocolError(f"first frame from the server is type 0x{header.type:02x}, not HELLO")
            server_hello = pb.ServerHello.FromString(payload)
            if server_hello.version not in F.PROTOCOL_VERSIONS:
                raise F.ProtocolError(f"server chose protocol version {server_hello.version}, which was not offered")
            if server_hello.version >= F.FLOW_CONTROL_VERSION:
                server_window = server_hello.initial_window_size or F.DEFAULT_INITIAL_WINDOW
                server_frame = server_hello.max_frame_size or F.DEFAULT_MAX_FRAME_SIZE
                if server_window < F.message_cost(server_frame) or server_window > F.MAX_WINDOW:
                    raise F.ProtocolError(
                        f"initial_window_size {server_window} is outside {F.message_cost(server_frame)}"
                        f"...{F.MAX_WINDOW} (the largest message, {server_frame} + {F.HEADER_SIZE} bytes, at least)"
                    )
        except BaseException as e:
            writer.close()
            if isinstance(e, RpcError):
                raise
            if isinstance(e, asyncio.TimeoutError):
                raise _local(StatusCode.UNAVAILABLE, f"no HELLO from {host}:{port}") from None
            if isinstance(e, (F.ProtocolError, DecodeError)):
                raise _local(StatusCode.UNAVAILABLE, f"handshake with {host}:{port} failed: {e}") from None
            if isinstance(e, (asyncio.IncompleteReadError, OSError)):
                # A TLS server refusing the client's certificate (TLS 1.3) says so here.
                detail = f": {e}" if isinstance(e, _ssl.SSLError) else ""
                raise _local(StatusCode.UNAVAILABLE, f"connection to {host}:{port} lost during handshake{detail}") from None
            raise
        return cls(reader, writer, server_hello, max_frame_size, window)

    # ------------------------------------------------------------------ state

    @property
    def usable(self) -> bool:
        """Whether new calls may be opened on this connection."""
        return not self.closed and self.goaway is None and self._next_id <= F.MAX_STREAM_ID

    @property
    def open_calls(self) -> int:
        return len(self._streams)

    def _write(self, data: bytes) -> bool:
        if self.closed or self._writer.transport.is_closing():
            return False
        self._writer.write(data)
        return True

    async def drain(self) -> None:
        """Waits for the socket buffer (TCP backpressure); connection loss is reported by
        the reader task to the open calls, not here."""
        try:
            await self._writer.drain()
        except (ConnectionError, OSError, RuntimeError):
            pass

    # ------------------------------------------------------------------ call slots

    async def _wait_for_slot(self, deadline: Optional[float]) -> None:
        """Waits until fewer than max_concurrent_calls calls are open (§12)."""
        while True:
            if not self.usable:
                raise ConnectionUnusable()
            if len(self._streams) < self.max_calls:
                return
            waiter = self._loop.create_future()
            self._slot_waiters.append(waiter)
            timeout = None if deadline is None else deadline - self._loop.time()
            try:
                await asyncio.wait_for(waiter, timeout)
            except asyncio.TimeoutError:
                raise _local(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded waiting for a call slot") from None
            except BaseException:
                # Pass a wake-up we got but cannot use on to the next waiter.
                if waiter.done() and not waiter.cancelled():
                    self._wake_slot_waiter()
                raise
            finally:
                try:
                    self._slot_waiters.remove(waiter)
                except ValueError:
                    pass

    def _wake_slot_waiter(self) -> None:
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _wake_all_slot_waiters(self) -> None:
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    # ------------------------------------------------------------------ calls

    async def open_stream(
        self,
        header: pb.CallHeader,
        response_type,
        first_message: Optional[bytes],
        end: bool,
        deadline: Optional[float],
    ) -> Stream:
        """Opens a call: HEADERS (with timeout_micros from `deadline`), optionally the
        first request MESSAGE, END_STREAM on the last frame when `end`.

        Raises ConnectionUnusable (try another connection) or RpcError (local failure;
        nothing was sent).
        """
        if first_message is not None and len(first_message) > self.max_send_size:
            raise _too_large("request message", len(first_message), self.max_send_size)
        await self._wait_for_slot(deadline)
        # From here on nothing awaits: ids go out in increasing order (§5).
        if deadline is not None:
            remaining = deadline - self._loop.time()
            if remaining <= 0:
                raise _local(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call was sent")
            header.timeout_micros = max(1, math.ceil(remaining * 1_000_000))
        else:
            header.timeout_micros = 0
        header_bytes = header.SerializeToString()
        if len(header_bytes) > self.max_send_size:
            raise _too_large("call header", len(header_bytes), self.max_send_size)
        stream_id = self._next_id
        self._next_id += 1
        stream = Stream(stream_id, response_type, self.send_window, self.receive_window)
        if self.flow_control:
            stream.on_consumed = self._consumed
        self._streams[stream_id] = stream
        if first_message is None:
            data = F.encode_frame(F.FrameType.HEADERS, F.END_STREAM if end else 0, stream_id, header_bytes)
        else:
            data = F.encode_frame(F.FrameType.HEADERS, 0, stream_id, header_bytes) + F.encode_frame(
                F.FrameType.MESSAGE, F.END_STREAM if end else 0, stream_id, first_message
            )
        self._write(data)
        if deadline is not None:
            stream.timer = self._loop.call_at(deadline, self._deadline_expired, stream)
        return stream

    async def send_message(
        self, stream: Stream, payload: bytes, end: bool = False, *, check_size: bool = True
    ) -> bool:
        """Writes one request MESSAGE, first waiting (protocol version 2) until the
        stream's window has room for it (§13). False when the call has already ended.

        Raises RpcError RESOURCE_EXHAUSTED (and cancels the call) for a message over the
        server's max frame size, unless `check_size` is False (tests only).
        """
        if stream.finished or stream.id not in self._streams:
            return False
        if check_size and len(payload) > self.max_send_size:
            error = _too_large("request message", len(payload), self.max_send_size)
            self.cancel_stream(stream, error)
            raise error
        if self.flow_control:
            cost = F.message_cost(len(payload))
            while stream.send_window < cost:
                if stream.finished:
                    return False
                waiter = self._loop.create_future()
                stream._credit_waiter = waiter
                await waiter
            if stream.finished or stream.id not in self._streams:
                return False
            stream.send_window -= cost
        return self._write(F.encode_frame(F.FrameType.MESSAGE, F.END_STREAM if end else 0, stream.id, payload))

    # ------------------------------------------------------------------ flow control

    def _consumed(self, stream: Stream, cost: int) -> None:
        """The caller took a response: grant its bytes back (coalesced per loop turn)."""
        if stream.finished or stream.id not in self._streams:
            return  # an ended stream needs no window
        stream.unacknowledged += cost
        self._grants[stream.id] = stream
        if not self._grant_scheduled:
            self._grant_scheduled = True
            self._loop.call_soon(self._send_grants)

    def _send_grants(self) -> None:
        self._grant_scheduled = False
        grants, self._grants = self._grants, {}
        data = []
        for stream in grants.values():
            increment, stream.unacknowledged = stream.unacknowledged, 0
            if increment and not stream.finished and stream.id in self._streams:
                stream.receive_window += increment
                data.append(F.encode_frame(F.FrameType.WINDOW_UPDATE, 0, stream.id, struct.pack(">I", increment)))
        if data:
            self._write(b"".join(data))

    def _on_window_update(self, stream_id: int, payload: bytes) -> None:
        (increment,) = struct.unpack(">I", payload)
        if increment == 0:
            raise F.ProtocolError(f"WINDOW_UPDATE of 0 on stream {stream_id}")
        if stream_id >= self._next_id:
            raise F.ProtocolError(f"WINDOW_UPDATE on stream {stream_id}, which was never opened")
        stream = self._streams.get(stream_id)
        if stream is None:
            return  # ended: ignored (§13)
        stream.send_window += increment
        if stream.send_window > F.MAX_WINDOW:
            raise F.ProtocolError(f"WINDOW_UPDATE takes stream {stream_id}'s window past {F.MAX_WINDOW} bytes")
        stream.wake_sender()

    def half_close(self, stream: Stream) -> None:
        if not stream.finished and stream.id in self._streams:
            self._write(F.encode_frame(F.FrameType.HALF_CLOSE, 0, stream.id))

    def cancel_stream(self, stream: Stream, error: RpcError) -> None:
        """Ends the call locally with `error`, sending CANCEL if it is still open (§9)."""
        if stream.finished:
            return
        if self._end_stream(stream):
            self._write(F.encode_frame(F.FrameType.CANCEL, 0, stream.id))
        stream.finish(error=error)

    def _deadline_expired(self, stream: Stream) -> None:
        stream.timer = None
        self.cancel_stream(stream, _local(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded"))

    def _end_stream(self, stream: Stream) -> bool:
        """Forgets the stream and frees its call slot. False if it was already gone."""
        if self._streams.pop(stream.id, None) is None:
            return False
        self._wake_slot_waiter()
        if not self._streams and not self.usable and not self.closed:
            # Draining after GOAWAY (or ids exhausted) and nothing left: close.
            self._loop.call_soon(self.close)
        return True

    # ------------------------------------------------------------------ ping

    async def ping(self, timeout: Optional[float] = None) -> float:
        """Sends PING and waits for the ACK; returns the round-trip time in seconds."""
        self._ping_counter += 1
        payload = struct.pack(">Q", self._ping_counter)
        waiter = self._loop.create_future()
        self._pings[payload] = waiter
        start = self._loop.time()
        if not self._write(F.encode_frame(F.FrameType.PING, 0, 0, payload)):
            self._pings.pop(payload, None)
            raise _local(StatusCode.UNAVAILABLE, "connection closed")
        try:
            await asyncio.wait_for(waiter, timeout)
        except asyncio.TimeoutError:
            raise _local(StatusCode.DEADLINE_EXCEEDED, "no PING ACK") from None
        finally:
            self._pings.pop(payload, None)
        return self._loop.time() - start

    # ------------------------------------------------------------------ reader

    async def _read_loop(self) -> None:
        reader = self._reader
        error: RpcError
        try:
            while True:
                header = F.decode_header(await reader.readexactly(F.HEADER_SIZE))
                F.validate_server_header(header, self.version)
                if header.length > self.max_recv_size:
                    await _discard(reader, header.length)
                    if header.stream_id == 0:
                        raise F.ProtocolError(f"{header.length}-byte frame on stream 0")
                    stream = self._streams.get(header.stream_id)
                    if stream is not None:
                        self.cancel_stream(
                            stream, _too_large("response frame", header.length, self.max_recv_size)
                        )
                    continue
                payload = await reader.readexactly(header.length) if header.length else b""
                self._dispatch(header, payload)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            error = _local(StatusCode.UNAVAILABLE, "connection lost" + self._goaway_note())
        except F.ProtocolError as e:
            log.warning("atende: closing connection: %s", e)
            error = _local(StatusCode.UNAVAILABLE, f"protocol error from the server: {e}")
        except asyncio.CancelledError:
            self._shutdown(_local(StatusCode.CANCELLED, "connection closed by the client"))
            raise
        except Exception as e:  # a bug here must not leave calls hanging
            log.exception("atende: reader failed")
            error = _local(StatusCode.INTERNAL, f"client reader failed: {e!r}")
        self._shutdown(error)

    def _goaway_note(self) -> str:
        if self.goaway is None:
            return ""
        code = StatusCode.from_wire(self.goaway.code).name
        return f" after GOAWAY {code}: {self.goaway.message}"

    def _dispatch(self, header: F.FrameHeader, payload: bytes) -> None:
        frame_type = header.type
        if frame_type == F.FrameType.MESSAGE:
            stream = self._streams.get(header.stream_id)
            if stream is None:
                return  # finished or cancelled: ignore (§5)
            cost = 0
            if self.flow_control:
                cost = F.message_cost(len(payload))
                if cost > stream.receive_window:
                    self.cancel_stream(
                        stream,
                        _local(
                            StatusCode.INTERNAL,
                            f"the server sent {cost} bytes on a stream with {stream.receive_window} bytes of window",
                            reason="FLOW_CONTROL_VIOLATION",
                        ),
                    )
                    return
                stream.receive_window -= cost
            try:
                message = stream.response_type.FromString(payload)
            except (DecodeError, ValueError) as e:
                self.cancel_stream(stream, _local(StatusCode.INTERNAL, f"undecodable response message: {e}"))
                return
            stream.push(message, cost)
        elif frame_type == F.FrameType.TRAILERS:
            stream = self._streams.get(header.stream_id)
            if stream is None:
                return
            self._end_stream(stream)
            try:
                status = pb.CallStatus.FromString(payload)
            except DecodeError as e:
                stream.finish(error=_local(StatusCode.INTERNAL, f"undecodable TRAILERS: {e}"))
                return
            if status.code == StatusCode.OK:
                stream.finish(status=status)
            else:
                error = RpcError.from_status(status, decode_metadata(status.metadata))
                if status.code == StatusCode.UNAVAILABLE and status.reason == "SHUTTING_DOWN":
                    error.never_started = True
                stream.finish(status=status, error=error)
        elif frame_type == F.FrameType.PING:
            if header.flags & F.ACK:
                waiter = self._pings.pop(payload, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
            else:
                self._write(F.encode_frame(F.FrameType.PING, F.ACK, 0, payload))
        elif frame_type == F.FrameType.GOAWAY:
            try:
                goaway = pb.GoAway.FromString(payload)
            except DecodeError:
                raise F.ProtocolError("undecodable GOAWAY") from None
            self._on_goaway(goaway)
        elif frame_type == F.FrameType.WINDOW_UPDATE:
            self._on_window_update(header.stream_id, payload)
        elif frame_type == F.FrameType.HELLO:
            raise F.ProtocolError("HELLO after the handshake")

    def _on_goaway(self, goaway: pb.GoAway) -> None:
        if self.goaway is not None and self.goaway.last_stream_id < goaway.last_stream_id:
            goaway.last_stream_id = self.goaway.last_stream_id
        self.goaway = goaway
        code = StatusCode.from_wire(goaway.code)
        log.info("atende: GOAWAY %s %r, last stream %d", code.name, goaway.message, goaway.last_stream_id)
        # Calls above last_stream_id were not processed: safe to retry elsewhere (§10.3).
        for stream in [s for sid, s in self._streams.items() if sid > goaway.last_stream_id]:
            self._end_stream(stream)
            error = _local(
                StatusCode.UNAVAILABLE,
                f"call not processed: the server sent GOAWAY ({code.name}: {goaway.message})",
            )
            error.never_started = True
            stream.finish(error=error)
        self._wake_all_slot_waiters()
        if not self._streams:
            self._loop.call_soon(self.close)

    # ------------------------------------------------------------------ closing

    def _shutdown(self, error: RpcError) -> None:
        if self.closed:
            return
        self.closed = True
        streams = list(self._streams.values())
        self._streams.clear()
        for stream in streams:
            stream.finish(error=RpcError(error.code, error.message, local=True))
        for waiter in self._pings.values():
            if not waiter.done():
                waiter.set_exception(RpcError(error.code, error.message, local=True))
        self._pings.clear()
        self._wake_all_slot_waiters()
        try:
            self._writer.close()
        except Exception:  # pragma: no cover - transport already gone
            pass
        self._closed_event.set()

    def close(self) -> None:
        """Closes the connection; open calls fail with CANCELLED. Sends an informational
        GOAWAY first (§2.2)."""
        if self.closed:
            return
        goaway = pb.GoAway(code=pb.OK, message="client closing")
        self._write(F.encode_frame(F.FrameType.GOAWAY, 0, 0, goaway.SerializeToString()))
        self._shutdown(_local(StatusCode.CANCELLED, "connection closed by the client"))
        self._reader_task.cancel()

    async def wait_closed(self) -> None:
        await self._closed_event.wait()
        await asyncio.wait([self._reader_task])
        try:
            await self._writer.wait_closed()
        except Exception:
            pass


def _too_large(what: str, size: int, limit: int) -> RpcError:
    return _local(
        StatusCode.RESOURCE_EXHAUSTED,
        f"{what} of {size} bytes exceeds the max frame size of {limit} bytes",
        reason="MESSAGE_TOO_LARGE",
    )


async def _discard(reader: asyncio.StreamReader, length: int) -> None:
    while length > 0:
        chunk = await reader.read(min(length, 1 << 16))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", length)
        length -= len(chunk)


async def _read_first_frame(reader: asyncio.StreamReader, max_size: int):
    header = F.decode_header(await reader.readexactly(F.HEADER_SIZE))
    F.validate_server_header(header)
    if header.length > max_size:
        raise F.ProtocolError(f"{header.length}-byte frame during the handshake")
    payload = await reader.readexactly(header.length) if header.length else b""
    return header, payload
