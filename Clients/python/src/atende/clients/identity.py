"""Client of ``atende.auth.v1.IdentityService`` (proto/atende/auth/v1/identity.proto)."""

from __future__ import annotations

from atende.auth.v1.identity_pb2 import (  # noqa: F401  (re-exported)
    Identity,
    WhoAmIRequest,
)

from ..stubs.auth_v1_identity import IdentityServiceStub


class IdentityClient(IdentityServiceStub):
    """Who the server takes the caller to be.

    Takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`): with
    ``actor=`` the identity shows whom the call acts for (``acting_for``,
    ``recorded_actor``), which needs the ``act_as`` scope.
    """

    #: Same as :meth:`who_am_i` (the CLI's ``atende whoami``).
    whoami = IdentityServiceStub.who_am_i
