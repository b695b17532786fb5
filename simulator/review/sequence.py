"""A scenario run told as a sequence diagram, as plain data: lifelines and the messages between them.

Lifelines: the account the story is about, the other people, the attackers, the
service (the system), the phones and the mailboxes, each only when the story
uses it.  One row per step (repeated attempts collapse: "×8"): the actor's arrow
to the service with the step's result, the phone or mailbox it read from, the
mail the service sent.  Everything comes from the run's secret-free records;
codes and tokens appear only as "code" and "token".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from twofa_fsm_tools.scenario.records import ScenarioResult, StepRecord

SERVICE = "service"
Kind = str  # lifeline kinds: user, person, attacker, system, phone, mailbox


@dataclass(frozen=True)
class Lifeline:
    id: str
    label: str
    kind: Kind


@dataclass(frozen=True)
class Message:
    source: str  # lifeline id
    target: str
    text: str
    result: str = ""
    refused: bool = False
    style: str = "event"  # event, auto, input, notice, world


@dataclass(frozen=True)
class Row:
    step: int  # the scenario's step number (0: before step 1)
    actor: str
    messages: tuple[Message, ...]
    note: str = ""  # a time gap or a setup remark, drawn across the lifelines
    refused: bool = False
    summary: str = ""  # one line for the step-through control


@dataclass(frozen=True)
class SequenceStory:
    title: str
    lifelines: tuple[Lifeline, ...]
    rows: tuple[Row, ...]

    def steps(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(r.step for r in self.rows if r.step > 0))


def mailbox(account: str) -> str:
    return f"mail_{account}"


def _gap(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:g} d later"
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h later"
    if seconds >= 60:
        return f"{seconds / 60:.3g} min later"
    return f"{seconds:g} s later"


def _key(r: StepRecord) -> tuple[object, ...]:
    return (r.step, r.kind, r.actor, r.target, r.event, r.source, r.dest, r.allowed, r.error_kind)


def groups(records: Iterable[StepRecord]) -> list[tuple[StepRecord, StepRecord, int]]:
    """Consecutive identical attempts of one step (``repeat: N``) as (first record, last record, count)."""
    out: list[tuple[StepRecord, StepRecord, int]] = []
    for r in records:
        if out and _key(out[-1][1]) == _key(r):
            first, _, n = out[-1]
            out[-1] = (first, r, n + 1)
        else:
            out.append((r, r, 1))
    return out


class _Builder:
    def __init__(self, result: ScenarioResult, subject: str | None) -> None:
        scenario = result.scenario
        self.result = result
        self.subject = subject
        self.people = {p.id: p.role for p in scenario.people} if scenario else {}
        self.attackers = {a.id for a in scenario.attackers} if scenario else set()
        self.devices = [d.id for d in scenario.devices] if scenario else []
        self.step_device = {i: s.device for i, s in enumerate(scenario.steps, start=1)} if scenario else {}
        self.used: set[str] = set()

    def kind(self, actor: str) -> Kind:
        if actor == SERVICE or actor == "system":
            return "system"
        if actor in self.attackers:
            return "attacker"
        return "user" if actor == self.subject else "person"

    def lifeline_of(self, actor: str) -> str:
        return SERVICE if actor == "system" else actor

    def _inputs(self, r: StepRecord) -> list[Message]:
        """Where the actor's code and token came from: a phone, a mailbox."""
        out: list[Message] = []
        actor = self.lifeline_of(r.actor)
        for text in r.inputs:
            what = text.partition(":")[0].strip()
            if what not in ("code", "token"):
                continue
            box = re.search(r"from (\w+)'s mailbox", text)
            source = (
                mailbox(box.group(1)) if box else next((d for d in self.devices if re.search(rf"\b{d}\b", text)), "")
            )
            if source:
                out.append(Message(source, actor, what, style="input"))
        return out

    def _event(self, r: StepRecord, count: int) -> Row:
        times = f" ×{count}" if count > 1 else ""
        on = f" ({r.target}'s account)" if r.target and r.target != r.actor else ""
        if r.allowed:
            result = f"✓ {r.source} → {r.dest}" + (" · access granted" if r.access_granted else "")
        else:
            result = f"✕ refused: {r.error_kind or 'refused'}" + (f" ({r.guard})" if r.guard else "")
        auto = r.kind == "auto"
        text = f"{r.step}. {r.event}{times}{on}" + (" (automatic)" if auto else "")
        main = Message(
            SERVICE if auto else self.lifeline_of(r.actor),
            SERVICE,
            text,
            result,
            not r.allowed,
            "auto" if auto else "event",
        )
        messages = ([] if auto else self._inputs(r)) + [main]
        if r.notices and r.target:
            messages.append(Message(SERVICE, mailbox(r.target), "✉ " + ", ".join(r.notices), style="notice"))
        return Row(r.step, "system" if auto else r.actor, tuple(messages), refused=not r.allowed,
                   summary=f"{r.actor}: {r.event}{times}{on} — {result}")  # fmt: skip

    def _world(self, r: StepRecord) -> Row:
        device = self.step_device.get(r.step)
        note = r.inputs[0] if r.inputs else r.action
        if r.action == "wait":
            return Row(r.step, r.actor, (), note=f"{r.step}. {note}", summary=note)
        target = device if device in self.devices else SERVICE
        message = Message(self.lifeline_of(r.actor), target, f"{r.step}. {r.action}", note, style="world")
        return Row(r.step, r.actor, (message,), summary=f"{r.actor}: {note}")

    def rows(self) -> list[Row]:
        rows: list[Row] = []
        enrolled = [r for r in self.result.setup if r.event == "verify_setup" and r.allowed]
        if enrolled:
            who = ", ".join(
                f"{r.actor} ({r.inputs[0].removeprefix('setup with ')})" if r.inputs else r.actor for r in enrolled
            )
            rows.append(Row(0, "system", (), note=f"before step 1, enrolled: {who}"))
        last_at: float | None = None
        for first, r, count in groups(self.result.trace):
            if r.kind == "idle":
                continue
            if last_at is not None and first.at - last_at >= 60 and r.action != "wait":
                rows.append(Row(r.step, r.actor, (), note=_gap(first.at - last_at)))
            last_at = r.at
            rows.append(self._world(r) if r.kind == "world" else self._event(r, count))
        return rows

    def lifelines(self, rows: Sequence[Row]) -> tuple[Lifeline, ...]:
        used = {x for row in rows for m in row.messages for x in (m.source, m.target)} | {
            r.actor for r in rows if r.step
        }
        order: list[Lifeline] = []
        people = [p for p in self.people if p == self.subject] + [p for p in self.people if p != self.subject]
        for p in people:
            if p in used:
                order.append(Lifeline(p, f"{p} ({self.people[p]})", self.kind(p)))
        order += [Lifeline(a, f"{a} (attacker)", "attacker") for a in sorted(self.attackers) if a in used]
        order.append(Lifeline(SERVICE, "the service (system)", "system"))
        order += [Lifeline(d, f"phone {d}", "phone") for d in self.devices if d in used]
        order += [Lifeline(mailbox(p), f"{p}'s mailbox", "mailbox") for p in self.people if mailbox(p) in used]
        return tuple(order)


def sequence_of(result: ScenarioResult, subject: str | None) -> SequenceStory:
    """The run as lifelines and rows (``subject``: the account the story is about, drawn first)."""
    builder = _Builder(result, subject)
    rows = builder.rows()
    return SequenceStory(result.name, builder.lifelines(rows), tuple(rows))
