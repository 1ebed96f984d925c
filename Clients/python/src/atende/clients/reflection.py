"""Client of ``atende.reflection.v1.ServerReflection`` (proto/atende/reflection/v1)."""

from __future__ import annotations

from ..stubs.reflection_v1_reflection import ServerReflectionStub


class ReflectionClient(ServerReflectionStub):
    """The services a server hosts and the ``FileDescriptorProto`` s that define them
    (``google.protobuf.descriptor_pb2.FileDescriptorProto.FromString`` reads each)."""
