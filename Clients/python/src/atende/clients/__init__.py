"""Clients, one module per service, built on the stubs generated from proto/
(``atende.stubs``) with a few conveniences (file uploads and downloads, watches). (Not
named after the proto packages: protoc's message modules live under
``atende.<proto package>``, e.g. ``atende.diagnostics.v1``.)"""

from .contacts import ContactsClient
from .diagnostics import DiagnosticsClient
from .events import EventsClient
from .files import Download, FilesClient
from .identity import IdentityClient
from .messages import MessagesClient
from .metrics import MetricsClient
from .parameters import ParametersClient
from .reference import ReferenceDataClient
from .reflection import ReflectionClient
from .service_orders import ServiceOrdersClient
from .sla import SlaClient
from .subjects import SubjectsClient
from .tickets import TicketsClient

__all__ = [
    "ContactsClient",
    "DiagnosticsClient",
    "Download",
    "EventsClient",
    "FilesClient",
    "IdentityClient",
    "MessagesClient",
    "MetricsClient",
    "ParametersClient",
    "ReferenceDataClient",
    "ReflectionClient",
    "ServiceOrdersClient",
    "SlaClient",
    "SubjectsClient",
    "TicketsClient",
]
