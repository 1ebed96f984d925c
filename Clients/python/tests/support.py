"""Test support: starting the Swift server, raw-frame helpers.

The server binary comes from ATENDE_SERVER_BIN (scripts/test-python.sh sets it), else
from the repository's .build/debug/atende-server.

Servers run with authentication on: before `serve`, `atende-server token create` mints a
token named "pytest" holding every scope in the server's (temporary) database, and
`channel(srv)` gives it to the channel. `serve` gets `--local-token-file` in the
temporary directory, so the developer's ~/.config/atende/token is never written.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from atende import Channel
from atende import frames as F
from atende.rpc.v1 import protocol_pb2 as pb

REPO = pathlib.Path(__file__).resolve().parents[3]


def server_binary() -> str:
    path = os.environ.get("ATENDE_SERVER_BIN") or str(REPO / ".build" / "debug" / "atende-server")
    if not os.access(path, os.X_OK):
        pytest.exit(
            f"atende-server binary not found at {path}: build it (swift build --product atende-server) "
            "and set ATENDE_SERVER_BIN",
            returncode=2,
        )
    return path


#: Every scope a token can hold (docs/SECURITY.md).
ALL_SCOPES = ("tickets.read", "tickets.write", "reference.read", "admin", "diagnostics", "act_as")

#: The name of the token the test servers' channels use; the history records it
#: ("pytest on behalf of <actor>" for calls sending an actor).
TOKEN_NAME = "pytest"

# With ATENDE_TEST_ENGINE=postgres, every server of the suite runs on a database of its
# own on the PostgreSQL cluster at ATENDE_TEST_POSTGRES_URL (scripts/test.sh starts one).
ENGINE = os.environ.get("ATENDE_TEST_ENGINE", "sqlite")
POSTGRES_URL = os.environ.get("ATENDE_TEST_POSTGRES_URL", "")


def _psql(statement: str) -> None:
    """Runs one statement on the test cluster's own database."""
    subprocess.run(
        ["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", statement],
        check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
    )


def _postgres_database() -> tuple[str, str]:
    """A new database on the test cluster: its name and its URL."""
    if not POSTGRES_URL:
        raise RuntimeError("ATENDE_TEST_ENGINE=postgres needs ATENDE_TEST_POSTGRES_URL")
    name = "atende_py_" + os.urandom(6).hex()
    _psql(f"CREATE DATABASE {name}")
    base, _, _ = POSTGRES_URL.rpartition("/")
    return name, f"{base}/{name}?sslmode=disable"


def recorded(actor: str) -> str:
    """What the server records for a change made with the test token acting for `actor`."""
    return f"{TOKEN_NAME} on behalf of {actor}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`atende-server serve` on a free loopback port and a temporary database.

    Unless `--no-auth` is among `args`, a token with every scope is minted in that
    database first (`self.token`, None with `--no-auth`); `mint_token` mints others.
    """

    def __init__(self, *args: str) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.dir = tempfile.TemporaryDirectory(prefix="atende-test-")
        self.log = open(os.path.join(self.dir.name, "server.log"), "wb")
        # Never the user's database nor token file: `serve` would otherwise mint
        # local-admin into ~/.config/atende/token on a database without tokens.
        self.postgres_database = None
        if ENGINE == "postgres":
            self.postgres_database, self.database = _postgres_database()
            storage = ["--database", self.database]
        else:
            self.database = os.path.join(self.dir.name, "atende.sqlite")
            storage = ["--database", self.database]
        # Webhooks on, with a key of this server's own (the same file for every server of
        # a database, as in production).
        storage += ["--webhook-key-file", os.path.join(self.dir.name, "webhook-key")]
        self.local_token_file = os.path.join(self.dir.name, "token")
        self.auth = "--no-auth" not in args
        try:
            self.token = self.mint_token(TOKEN_NAME, ALL_SCOPES) if self.auth else None
        except BaseException:
            self.log.close()
            self.dir.cleanup()
            if self.postgres_database:
                _psql(f"DROP DATABASE {self.postgres_database} WITH (FORCE)")
            raise
        self.process = subprocess.Popen(
            [
                server_binary(),
                "serve",
                "--host",
                self.host,
                "--port",
                str(self.port),
                *storage,
                "--local-token-file",
                self.local_token_file,
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"atende-server exited with {self.process.returncode}: {self.log_text()}")
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"atende-server did not listen on {self.port}: {self.log_text()}")
                time.sleep(0.05)

    def mint_token(self, name: str, scopes, *, departments=(), expires: str | None = None) -> str:
        """`atende-server token create` on this server's database (the server may be
        running): the new token."""
        command = [
            server_binary(),
            "token",
            "create",
            "--database",
            self.database,
            "--name",
            name,
            "--scopes",
            ",".join(scopes),
        ]
        if departments:
            command += ["--departments", ",".join(str(d) for d in departments)]
        if expires is not None:
            command += ["--expires", expires]
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"atende-server token create exited with {result.returncode}: {result.stderr}")
        token = result.stdout.strip()
        if not token.startswith("atd_"):
            raise RuntimeError(f"atende-server token create printed no token: {result.stdout!r} {result.stderr!r}")
        return token

    def log_text(self) -> str:
        return pathlib.Path(self.log.name).read_text(errors="replace")

    def terminate(self) -> None:
        """SIGTERM: graceful shutdown."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.dir.cleanup()
        if self.postgres_database:
            _psql(f"DROP DATABASE {self.postgres_database} WITH (FORCE)")


@contextlib.contextmanager
def extra_server(*args: str):
    """A server of its own, with extra `serve` options."""
    srv = Server(*args)
    try:
        yield srv
    finally:
        srv.stop()


def channel(srv: Server, **kwargs) -> Channel:
    """A channel to `srv` holding its test token (every scope). Pass `token=None` for
    a channel without credentials, `token=...`/`credentials=...` for others."""
    if "credentials" not in kwargs:
        kwargs.setdefault("token", srv.token)
    return Channel(srv.host, srv.port, **kwargs)


class RawConnection:
    """A bare socket speaking frames, for tests that bypass the client runtime."""

    def __init__(self, reader, writer) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, srv: Server, hello: bool = True) -> "RawConnection":
        reader, writer = await asyncio.open_connection(srv.host, srv.port)
        raw = cls(reader, writer)
        if hello:
            raw.send(F.FrameType.HELLO, 0, 0, pb.ClientHello(versions=[1], agent="raw-test").SerializeToString())
            header, payload = await raw.read()
            assert header.type == F.FrameType.HELLO
            raw.server_hello = pb.ServerHello.FromString(payload)
        return raw

    def send(self, frame_type: int, flags: int, stream_id: int, payload: bytes = b"") -> None:
        self.writer.write(F.encode_frame(frame_type, flags, stream_id, payload))

    async def read(self, timeout: float = 5.0):
        """(FrameHeader, payload), or None at EOF."""
        try:
            header = F.decode_header(await asyncio.wait_for(self.reader.readexactly(F.HEADER_SIZE), timeout))
            payload = await asyncio.wait_for(self.reader.readexactly(header.length), timeout)
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        return header, payload

    def close(self) -> None:
        self.writer.close()


class FakeServer:
    """A scripted server on a free port: `handler(reader, writer)` per connection."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.host = "127.0.0.1"
        self.connections = 0
        #: The server side of each connection, in order.
        self.writers = []

    async def __aenter__(self) -> "FakeServer":
        async def on_connect(reader, writer):
            self.connections += 1
            self.writers.append(writer)
            try:
                await self.handler(reader, writer)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        self._server = await asyncio.start_server(on_connect, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()


async def read_frame(reader):
    header = F.decode_header(await reader.readexactly(F.HEADER_SIZE))
    return header, await reader.readexactly(header.length)


async def fake_handshake(reader, writer, **server_hello) -> pb.ClientHello:
    header, payload = await read_frame(reader)
    assert header.type == F.FrameType.HELLO
    hello = pb.ServerHello(version=1, agent="fake", max_frame_size=1 << 20, max_concurrent_calls=100)
    for key, value in server_hello.items():
        setattr(hello, key, value)
    writer.write(F.encode_frame(F.FrameType.HELLO, 0, 0, hello.SerializeToString()))
    return pb.ClientHello.FromString(payload)
