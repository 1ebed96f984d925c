"""The generated stubs cover every service and method the server hosts, and reflection
serves the descriptors protobuf's own runtime reads."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from google.protobuf import descriptor_pb2

import atende.stubs
from atende import DiagnosticsClient, ReflectionClient, ServiceOrdersClient
from atende.reflection.v1.reflection_pb2 import GetFileContainingSymbolRequest
from atende.tickets.v1.service_orders_pb2 import ListServiceOrdersRequest
from support import channel


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def stubs() -> dict:
    classes = {}
    for module in pkgutil.iter_modules(atende.stubs.__path__):
        loaded = importlib.import_module(f"atende.stubs.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if getattr(cls, "SERVICE", ""):
                classes[cls.SERVICE] = cls
    return classes


async def test_every_hosted_method_has_a_stub(server):
    classes = stubs()
    async with channel(server) as ch:
        info = await DiagnosticsClient(ch).get_server_info()
    assert info.services
    for service in info.services:
        assert service.name in classes, service.name
        for method in service.methods:
            stub = getattr(classes[service.name], snake(method.name), None)
            assert callable(stub), f"{service.name}/{method.name}"
            assert inspect.signature(stub).return_annotation, f"{service.name}/{method.name}"


async def test_service_orders_and_reflection_clients(server):
    async with channel(server) as ch:
        orders = await ServiceOrdersClient(ch, actor="py").list_service_orders(ListServiceOrdersRequest(ticket_id=1))
        assert all(order.ticket_id == 1 for order in orders.orders)
        reflection = ReflectionClient(ch)
        services = (await reflection.list_services()).services
        assert "atende.tickets.v1.TicketService" in services
        files = await reflection.get_file_containing_symbol(
            GetFileContainingSymbolRequest(symbol="atende.tickets.v1.TicketService")
        )
        names = [descriptor_pb2.FileDescriptorProto.FromString(raw).name for raw in files.file_descriptor_protos]
        assert names[-1] == "atende/tickets/v1/tickets.proto"
        assert "google/protobuf/timestamp.proto" in names
