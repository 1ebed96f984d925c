"""SLA calendars and policies through the Python client, and the clocks a ticket carries.
The policy matches only a subject of its own, so the other tests' tickets are untouched."""

from __future__ import annotations

import pytest

from atende import RpcError, SlaClient, StatusCode, SubjectsClient, TicketsClient
from atende.common.v1.common_pb2 import PRIORITY_CRITICAL, PRIORITY_LOW
from atende.sla.v1.sla_pb2 import (
    SLA_CLOCK_STATE_PAUSED,
    SLA_CLOCK_STATE_RUNNING,
    SLA_TARGET_KIND_RESOLUTION,
    WEEKDAY_MONDAY,
    WEEKDAY_SUNDAY,
    BusinessCalendar,
    EscalationRule,
    GetPolicyRequest,
    Holiday,
    ListCalendarsRequest,
    ListEscalationRulesRequest,
    PutCalendarRequest,
    PutEscalationRuleRequest,
    PutPolicyRequest,
    SlaPolicy,
    WorkingPeriod,
)
from atende.subjects.v1.subjects_pb2 import CreateSubjectRequest, Subject
from atende.tickets.v1.tickets_pb2 import TICKET_STATUS_PENDING, ChangeTicketStatusRequest, GetTicketRequest
from support import channel
from test_tickets import ACTOR, DEPT_SUPPORT, create, tag, violations


async def test_policy_clocks_pause_while_pending(server):
    async with channel(server) as ch:
        sla = SlaClient(ch, actor=ACTOR)
        tickets = TicketsClient(ch, actor=ACTOR)
        name = tag()
        subject = await SubjectsClient(ch, actor=ACTOR).create_subject(
            CreateSubjectRequest(
                subject=Subject(name=f"SLA {name}", default_department_id=DEPT_SUPPORT, default_priority=PRIORITY_LOW)
            )
        )
        # Every hour of every day counts, whatever the time the test runs.
        calendar = await sla.put_calendar(
            PutCalendarRequest(
                calendar=BusinessCalendar(
                    name=f"24x7 {name}",
                    time_zone="UTC",
                    hours=[WorkingPeriod(weekday=day, start_minute=0, end_minute=1440) for day in range(1, 8)],
                    holidays=[Holiday(date="2026-12-25", name="Natal")],
                )
            )
        )
        assert calendar.id > 0 and calendar.version == 1
        assert calendar.hours[0].weekday == WEEKDAY_MONDAY and calendar.hours[6].weekday == WEEKDAY_SUNDAY
        assert calendar in (await sla.list_calendars(ListCalendarsRequest())).calendars

        policy = await sla.put_policy(
            PutPolicyRequest(
                policy=SlaPolicy(
                    name=f"Política {name}",
                    calendar_id=calendar.id,
                    subject_id=subject.id,
                    first_response_minutes=60,
                    resolution_minutes=480,
                    active=True,
                )
            )
        )
        assert await sla.get_policy(GetPolicyRequest(id=policy.id)) == policy

        ticket = await create(tickets, f"Prazo {name}", subject_id=subject.id)
        read = await tickets.get_ticket(GetTicketRequest(id=ticket.id))
        assert read.sla.policy_id == policy.id and read.sla.calendar_id == calendar.id
        assert read.sla.resolution.state == SLA_CLOCK_STATE_RUNNING
        assert read.sla.resolution.target.seconds == 8 * 3600
        assert read.sla.resolution.due_at.seconds > ticket.created_at.seconds

        await tickets.change_ticket_status(
            ChangeTicketStatusRequest(
                id=ticket.id, expected_version=ticket.version, status=TICKET_STATUS_PENDING, message="Aguardando"
            )
        )
        paused = await tickets.get_ticket(GetTicketRequest(id=ticket.id))
        assert paused.sla.resolution.state == SLA_CLOCK_STATE_PAUSED
        assert not paused.sla.resolution.HasField("due_at")
        assert paused.sla.first_response.HasField("completed_at")


async def test_bad_calendars_and_stale_versions_are_refused(server):
    async with channel(server) as ch:
        sla = SlaClient(ch, actor=ACTOR)
        with pytest.raises(RpcError) as invalid:
            await sla.put_calendar(
                PutCalendarRequest(
                    calendar=BusinessCalendar(
                        name=f"Ruim {tag()}",
                        time_zone="America/Atlantis",
                        hours=[WorkingPeriod(weekday=WEEKDAY_MONDAY, start_minute=600, end_minute=480)],
                    )
                )
            )
        assert invalid.value.code == StatusCode.INVALID_ARGUMENT
        assert violations(invalid.value) == {
            ("calendar.time_zone", "UNKNOWN"),
            ("calendar.hours[0].end_minute", "BEFORE_START"),
        }
        calendar = await sla.put_calendar(
            PutCalendarRequest(
                calendar=BusinessCalendar(
                    name=f"Ok {tag()}",
                    time_zone="America/Sao_Paulo",
                    hours=[WorkingPeriod(weekday=WEEKDAY_MONDAY, start_minute=480, end_minute=1080)],
                )
            )
        )
        with pytest.raises(RpcError) as stale:
            await sla.put_calendar(PutCalendarRequest(calendar=calendar, expected_version=calendar.version + 1))
        assert stale.value.code == StatusCode.ABORTED


async def test_escalation_rules_are_kept_and_checked(server):
    async with channel(server) as ch:
        sla = SlaClient(ch, actor=ACTOR)
        name = f"Escalar {tag()}"
        rule = await sla.put_escalation_rule(
            PutEscalationRuleRequest(
                rule=EscalationRule(
                    name=name,
                    active=False,  # the session server's other tickets are left alone
                    target=SLA_TARGET_KIND_RESOLUTION,
                    offset_minutes=-30,
                    raise_priority_to=PRIORITY_CRITICAL,
                )
            )
        )
        assert rule.id > 0 and rule.version == 1 and rule.offset_minutes == -30
        assert rule in (await sla.list_escalation_rules(ListEscalationRulesRequest())).rules
        with pytest.raises(RpcError) as missing:
            await sla.put_escalation_rule(PutEscalationRuleRequest(rule=EscalationRule(name=f"Sem alvo {tag()}")))
        assert violations(missing.value) == {("rule.target", "REQUIRED")}
