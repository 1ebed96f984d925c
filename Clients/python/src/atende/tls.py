"""TLS for channels: a client context set up the way the server expects (PROTOCOL.md §1)."""

from __future__ import annotations

import ssl
from typing import Optional

#: The ALPN protocol name of the Atende protocol over TLS.
ALPN = "atende/1"


def tls_context(ca: Optional[str] = None, cert: Optional[str] = None, key: Optional[str] = None) -> ssl.SSLContext:
    """A client TLS context: trusts ``ca`` (a PEM file; the system's authorities when
    None), presents the client certificate ``cert`` with its key ``key`` (PEM, for mutual
    TLS), verifies the server's name, speaks TLS 1.2 at least and offers ALPN ``atende/1``.

    Pass it as ``Channel(..., ssl=tls_context(...))``.
    """
    if (cert is None) != (key is None):
        raise ValueError("cert and key go together")
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols([ALPN])
    if cert is not None:
        context.load_cert_chain(cert, key)
    return context
