"""Client of ``atende.sla.v1.SlaService`` (proto/atende/sla/v1)."""

from __future__ import annotations

from atende.sla.v1.sla_pb2 import (  # noqa: F401  (re-exported)
    BusinessCalendar,
    GetCalendarRequest,
    GetPolicyRequest,
    Holiday,
    ListCalendarsRequest,
    ListPoliciesRequest,
    PutCalendarRequest,
    PutPolicyRequest,
    SlaPolicy,
    SlaTarget,
    TicketSla,
    WorkingPeriod,
)

from ..stubs.sla_v1_sla import SlaServiceStub


class SlaClient(SlaServiceStub):
    """Business calendars and SLA policies: put (create or replace), get, list. A ticket's
    clocks come with it, in ``Ticket.sla``, from ``TicketsClient.get_ticket`` and
    ``list_tickets``.

    Every method takes ``timeout``, ``metadata`` and ``actor`` (see :class:`TicketsClient`).
    """
