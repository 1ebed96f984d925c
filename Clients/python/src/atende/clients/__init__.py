"""Typed stubs, one module per service. (Not named after the proto packages: the
generated modules live under ``atende.<proto package>``, e.g. ``atende.diagnostics.v1``.)"""

from .contacts import ContactsClient
from .diagnostics import DiagnosticsClient
from .events import EventsClient
from .files import Download, FilesClient
from .identity import IdentityClient
from .messages import MessagesClient
from .metrics import MetricsClient
from .parameters import ParametersClient
from .reference import ReferenceDataClient
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
    "SubjectsClient",
    "TicketsClient",
]
