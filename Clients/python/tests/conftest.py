"""Interop tests against the real Swift server (see support.py).

One server runs for the whole session on a free loopback port, on a temporary database
with the demo data set loaded (``--demo-data``, Sources/AtendeServer/DemoData.swift);
tests that need special options start their own. The session server is shared: tests must
not assume empty lists, and should create the tickets they look at. Async tests are plain
``async def`` functions: the hook below runs each one with asyncio.run (with a time
limit), so no asyncio plugin is needed.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest

from support import Server

TEST_TIME_LIMIT = 30.0


@pytest.fixture(scope="session")
def server():
    srv = Server("--demo-data")
    yield srv
    srv.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(asyncio.wait_for(pyfuncitem.obj(**kwargs), TEST_TIME_LIMIT))
        return True
    return None
