"""Writes the fuzzers' seed corpus (Fuzz/seeds/TARGET/): the exchanges of the protocol's
tests and documentation (PROTOCOL.md §14) as bytes, built with the Python client's
generated protobuf modules. Run from the repository root after `pip install -e Clients/python`:

    python3 Fuzz/make-seeds.py
"""

import os

from atende import frames as F
from atende.diagnostics.v1 import diagnostics_pb2 as d
from atende.rpc.v1 import protocol_pb2 as pb
from atende.tickets.v1 import tickets_pb2 as t

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def frame(kind, flags, stream, message=b""):
    payload = message if isinstance(message, bytes) else message.SerializeToString()
    return F.encode_frame(kind, flags, stream, payload)


HELLO = frame(
    F.FrameType.HELLO,
    0,
    0,
    pb.ClientHello(
        versions=[1],
        agent="fuzz",
        max_frame_size=4096,
        metadata=[pb.MetadataEntry(key="authorization", text="Bearer x")],
    ),
)
ECHO = pb.CallHeader(
    method="/atende.diagnostics.v1.Diagnostics/Echo",
    timeout_micros=5000000,
    metadata=[pb.MetadataEntry(key="request-id", text="r1"), pb.MetadataEntry(key="bin", binary=b"\x00\x01")],
)
CREATE = pb.CallHeader(method="/atende.tickets.v1.TicketService/CreateTicket")
SERVER = {
    "hello": HELLO,
    "unary": HELLO
    + frame(F.FrameType.HEADERS, 0, 1, ECHO)
    + frame(F.FrameType.MESSAGE, F.END_STREAM, 1, d.EchoRequest(text="hi")),
    "two-calls-cancel": HELLO
    + frame(F.FrameType.HEADERS, 0, 1, ECHO)
    + frame(F.FrameType.HEADERS, 0, 3, CREATE)
    + frame(F.FrameType.MESSAGE, 0, 3, t.CreateTicketRequest())
    + frame(F.FrameType.CANCEL, 0, 1)
    + frame(F.FrameType.HALF_CLOSE, 0, 3),
    "ping-goaway": HELLO + frame(F.FrameType.PING, 0, 0, b"12345678") + frame(F.FrameType.GOAWAY, 0, 0, pb.GoAway()),
    "oversized": HELLO + F.encode_frame(F.FrameType.MESSAGE, 0, 1, b"x" * 5000),
    # Version 2: a request stream granted more window, then overrunning it.
    "flow-control": frame(
        F.FrameType.HELLO, 0, 0, pb.ClientHello(versions=[1, 2], agent="fuzz", max_frame_size=1024, initial_window_size=2048)
    )
    + frame(F.FrameType.HEADERS, 0, 1, pb.CallHeader(method="/atende.diagnostics.v1.Diagnostics/EchoChat"))
    + frame(F.FrameType.MESSAGE, 0, 1, d.EchoRequest(text="a"))
    + frame(F.FrameType.WINDOW_UPDATE, 0, 1, b"\x00\x00\x01\x00")
    + frame(F.FrameType.MESSAGE, 0, 1, d.EchoRequest(payload=b"x" * 1000)) * 3,
}
SERVER_HELLO = frame(
    F.FrameType.HELLO,
    0,
    0,
    pb.ServerHello(
        version=1,
        agent="fuzz",
        max_frame_size=4096,
        max_concurrent_calls=8,
        idle_timeout_millis=1000,
        connection_metadata=True,
    ),
)
CLIENT = {
    "hello": SERVER_HELLO,
    "replies": SERVER_HELLO
    + frame(F.FrameType.MESSAGE, 0, 1, d.EchoResponse(text="hi"))
    + frame(
        F.FrameType.TRAILERS,
        0,
        1,
        pb.CallStatus(
            code=3,
            message="bad",
            field_violations=[pb.FieldViolation(field="a", reason="R", description="d")],
            omitted_field_violations=7,
        ),
    ),
    "ping-goaway": SERVER_HELLO
    + frame(F.FrameType.PING, 0, 0, b"12345678")
    + frame(F.FrameType.GOAWAY, 0, 0, pb.GoAway(last_stream_id=1, code=14, message="bye")),
}
CLIENT["flow-control"] = (
    frame(
        F.FrameType.HELLO,
        0,
        0,
        pb.ServerHello(version=2, agent="fuzz", max_frame_size=1024, max_concurrent_calls=8, initial_window_size=1034),
    )
    + frame(F.FrameType.WINDOW_UPDATE, 0, 1, b"\x00\x00\x00\x40")
    + frame(F.FrameType.MESSAGE, 0, 1, d.EchoResponse(payload=b"y" * 1000)) * 3
)
FRAMES = {"server": b"".join(SERVER.values()), "client": b"".join(CLIENT.values())}
# The first byte picks the method (in the server's registration order), the rest is the request.
REQUESTS = {f"method-{i}": bytes([i]) for i in range(0, 64, 7)}
REQUESTS["create-ticket"] = (
    bytes([0]) + t.CreateTicketRequest(ticket=t.Ticket(title="Sem internet", description="x", client_id=1)).SerializeToString()
)

for name, seeds in (("frames", FRAMES), ("server-connection", SERVER), ("client-connection", CLIENT), ("requests", REQUESTS)):
    os.makedirs(os.path.join(ROOT, name), exist_ok=True)
    for key, data in seeds.items():
        with open(os.path.join(ROOT, name, key), "wb") as f:
            f.write(data)
