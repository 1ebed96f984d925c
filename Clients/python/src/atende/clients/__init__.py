"""Typed stubs, one module per service. (Not named after the proto packages: the
generated modules live under ``atende.<proto package>``, e.g. ``atende.diagnostics.v1``.)"""

from .diagnostics import DiagnosticsClient
from .parameters import ParametersClient
from .reference import ReferenceDataClient
from .subjects import SubjectsClient
from .tickets import TicketsClient

__all__ = ["DiagnosticsClient", "ParametersClient", "ReferenceDataClient", "SubjectsClient", "TicketsClient"]
