"""Client of ``atende.tickets.v1.TicketEventService`` (proto/atende/tickets/v1/events.proto)."""

from __future__ import annotations

from typing import Optional

from atende.tickets.v1 import events_pb2 as pb
from atende.tickets.v1.events_pb2 import (  # noqa: F401  (re-exported)
    TicketEvent,
    TicketEventKind,
    WatchTicketsRequest,
)

from ..channel import Call, MetadataArg
from ..stubs.tickets_v1_events import TicketEventServiceStub


class EventsClient(TicketEventServiceStub):
    """Live ticket events (server streaming).

    A watch runs until it is cancelled: iterate it inside ``async with`` (or call
    ``cancel()``) so that leaving the loop stops it on the server. Since a slow reader of
    one call delays every call of its connection (PROTOCOL.md §13), give long-lived
    watches a :class:`~atende.Channel` of their own.
    """


    def watch(
        self,
        *,
        department_id: int = 0,
        assignee_id: int = 0,
        ticket_id: int = 0,
        timeout: Optional[float] = None,
        metadata: MetadataArg = None,
        actor: Optional[str] = None,
    ) -> Call:
        """``watch_tickets`` with the filters as arguments (0 = all)::

            async with events.watch(department_id=2) as watch:
                async for event in watch:
                    print(TicketEventKind.Name(event.kind), event.ticket.protocol)

        A LAGGED event (``event.dropped`` > 0) means events were skipped because the
        reader fell behind: re-read the tickets you care about.
        """
        return self.watch_tickets(
            pb.WatchTicketsRequest(department_id=department_id, assignee_id=assignee_id, ticket_id=ticket_id),
            timeout=timeout,
            metadata=metadata,
            actor=actor,
        )
