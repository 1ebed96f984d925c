"""Typed stub for ``atende.auth.v1.IdentityService`` (proto/atende/auth/v1/identity.proto)."""

from __future__ import annotations

from typing import Optional

from atende.auth.v1 import identity_pb2 as pb
from atende.auth.v1.identity_pb2 import (  # noqa: F401  (re-exported)
    Identity,
    WhoAmIRequest,
)

from ..channel import MetadataArg
from ._base import UnaryStub


class IdentityClient(UnaryStub):
    """Who the server takes the caller to be.

    Takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`): with
    ``actor=`` the identity shows whom the call acts for (``acting_for``,
    ``recorded_actor``), which needs the ``act_as`` scope.
    """

    SERVICE = "atende.auth.v1.IdentityService"

    async def who_am_i(
        self,
        request: Optional[pb.WhoAmIRequest] = None,
        *,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> pb.Identity:
        """``WhoAmI``: the :class:`Identity` the channel's credential stands for (name,
        kind, scopes, departments, ``recorded_actor``, credential id, expiry). Needs any
        valid credential: without one it fails with ``UNAUTHENTICATED``."""
        return await self._unary(
            "WhoAmI",
            request if request is not None else pb.WhoAmIRequest(),
            pb.Identity,
            timeout,
            metadata,
            actor,
        )

    #: Same as :meth:`who_am_i` (the CLI's ``atende whoami``).
    whoami = who_am_i
