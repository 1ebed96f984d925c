"""Typed stubs, one module per service. (Not named after the proto packages: the
generated modules live under ``atende.<proto package>``, e.g. ``atende.diagnostics.v1``.)"""

from .diagnostics import DiagnosticsClient

__all__ = ["DiagnosticsClient"]
