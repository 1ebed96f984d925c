"""The stubs' base, kept here under its earlier names (see ``atende._stub``)."""

from .._stub import ACTOR_KEY, ServiceStub, UnaryStub, with_actor

__all__ = ["ACTOR_KEY", "ServiceStub", "UnaryStub", "with_actor"]
