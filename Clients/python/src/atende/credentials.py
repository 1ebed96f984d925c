"""Credentials: the bearer token a :class:`~atende.Channel` sends with every call.

The server authenticates each call by its ``authorization: Bearer <token>`` metadata
entry (docs/SECURITY.md, PROTOCOL.md §7). The token is an API token minted by
``atende-server token create`` (``atd_<id>_<secret>``) or a JWT from the organisation's
identity provider. Give the channel either a fixed ``token=`` or a ``credentials=``
provider, a callable (sync or async) asked before every call, so a short-lived JWT can be
refreshed::

    channel = Channel(host, port, token=resolve_token())      # like the atende CLI

    async def current_jwt() -> str:                            # refreshed as needed
        return await my_identity_provider.token()
    channel = Channel(host, port, credentials=current_jwt)

(Not named after a proto package: ``atende.auth`` is the generated ``atende.auth.v1``.)
"""

from __future__ import annotations

import os
from typing import Awaitable, Callable, Optional, Union

#: Request metadata key carrying the credential.
AUTHORIZATION_KEY = "authorization"

#: Environment variable the CLI (and :func:`resolve_token`) reads a token from.
TOKEN_ENV = "ATENDE_TOKEN"

#: Returns the token for the next call (``None`` or ``""``: send none). May be a
#: coroutine function. Exceptions fail the call with ``UNAUTHENTICATED`` (see
#: :class:`~atende.Channel`).
CredentialsProvider = Callable[[], Union[Optional[str], Awaitable[Optional[str]]]]


def bearer(token: str) -> str:
    """The ``authorization`` metadata value for ``token``: ``"Bearer <token>"``."""
    return f"Bearer {token}"


def local_token_path() -> str:
    """Where ``atende-server serve`` writes the admin token it mints on its first start
    (unless given ``--local-token-file``): ``$XDG_CONFIG_HOME/atende/token``, else
    ``~/.config/atende/token``."""
    config = os.environ.get("XDG_CONFIG_HOME")
    if config:
        return os.path.join(config, "atende", "token")
    home = os.environ.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".config", "atende", "token")


def local_token(path: Union[str, "os.PathLike[str]", None] = None) -> Optional[str]:
    """The token in the local token file (``path``, default :func:`local_token_path`),
    stripped of surrounding white space; ``None`` when the file is missing, unreadable or
    empty."""
    try:
        with open(path if path is not None else local_token_path(), encoding="utf-8") as f:
            token = f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token or None


def resolve_token(
    token: Optional[str] = None, *, path: Union[str, "os.PathLike[str]", None] = None
) -> Optional[str]:
    """The token the ``atende`` CLI would use: ``token`` when given, else the
    ``ATENDE_TOKEN`` environment variable (when not empty), else the local token file
    (:func:`local_token`, at ``path`` when given). ``None`` when there is none.

    The file is read when this is called; pass the result as ``Channel(token=...)``.
    """
    if token is not None:
        return token
    from_env = os.environ.get(TOKEN_ENV)
    if from_env:
        return from_env
    return local_token(path)
