"""The one transition mechanism: each stateful model declares its moves as data, and one primitive
carries any of them out.

A model lists its moves in a `Workflow` (its `workflow` class attribute)::

    workflow = Workflow(
        field="status",
        error=MilestoneError,
        illegal=errors.ILLEGAL_MILESTONE_MOVE,
        moves=[
            Move("submit", sources=OPEN, target=Status.SUBMITTED, label=_("Submit"),
                 past=_("submitted"), allowed=edits_unit, check=evidence_present),
            Move("return", sources={Status.SUBMITTED}, target=Status.RETURNED,
                 label=_("Return"), past=_("returned"), allowed=reviews, reason=True, …),
        ],
    )

`transition(obj, "submit", by=user)` then locks the row (`select_for_update`), checks its state
as it is now (not as the page showed it), the actor, the reason and the move's own
precondition, sets the state and every field that goes with the move, saves with
`update_fields`, and writes one row to the event log — all in one transaction. An illegal move
raises the workflow's domain error and changes nothing. `allowed_moves(obj, user)` is what the
pages ask instead of comparing status strings.

Work without a user (commands, scheduled jobs) passes `by=None`: the system, explicitly. It may
make only the moves marked `system=True` (a title's expiry).

Occurrences that are not moves (created, assigned, deadline reached, job finished or failed) are
written by `record_event` (several at once: `record_events`).

Whatever must follow an event in the same transaction — the notifications it makes — listens:
`listen(fn)` (called once, from an app's `ready()`), and every event written through
`transition`, `record_event` or `record_events` is handed to each listener before the
transaction commits. `core` knows no listener by name; a raw `Event.objects.bulk_create` (demo
history, migrations) tells nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from safecommunity.errors import DomainError

from .models.events import Event, EventKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import Promise

    from .models import User

    Actor = User | None


ANY: frozenset[str] = frozenset({"*"})  # the `sources` of a move open from every state


@dataclass(frozen=True)
class Step:
    """What a move is being asked to do: the row as locked (`current`), the caller's instance
    (`obj`, which receives the new values), who, when, the reason and the move's parameters."""

    obj: Any
    current: Any
    by: Actor
    at: datetime
    reason: str
    params: Mapping[str, Any]
    data: dict[str, Any] = field(default_factory=dict)  # what the effect adds to the event


@dataclass(frozen=True)
class Move:
    """One row of a model's table of moves.

    - `sources`: the states it may start from; `target`: the state it ends in (None when the
      effect decides, as for a unit's next phase);
    - `allowed(user, obj)`: who may make it — a predicate on the actor and the record;
      `refused` is the message when the actor may not (else the workflow's `illegal` message),
      `illegal` the message from a wrong state when the move has its own ("already dropped");
    - `reason`: whether a reason is required, and `reason_missing` the message when it is not
      given;
    - `check(step)`: a precondition under the lock; raises a `DomainError` to refuse;
    - `effect(step)`: sets the other fields that go with the move on `step.obj` and returns
      their names (a submission's time and author, a return's reason …);
    - `label` is the button; `past` the participle messages use ("cannot be submitted");
    - `system`: the system (`by=None`: a command, a scheduled job) may make it too; a person
      still needs `allowed`;
    - `style`: the Bootstrap button style pages draw it with.
    """

    name: str
    sources: frozenset[str]
    target: str | None
    label: Promise | str
    past: Promise | str
    allowed: Callable[[Any, Any], bool]
    reason: bool = False
    reason_missing: Promise | str = ""
    refused: Promise | str = ""
    illegal: Promise | str = ""
    check: Callable[[Step], None] | None = None
    effect: Callable[[Step], Iterable[str]] | None = None
    system: bool = False
    style: str = "outline-primary"

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))

    def starts_from(self, state: str) -> bool:
        return "*" in self.sources or state in self.sources


def edits_unit(user: Any, obj: Any) -> bool:
    """The `allowed` of a move whoever may change the record's unit makes: its own clerk and
    district staff (the rule of `editable_by`, without a query)."""
    return user.edits_unit(obj.unit_id)


def reviews(user: Any, obj: Any) -> bool:
    """The `allowed` of a review: district staff accept, return, approve, record titles."""
    return user.reviews_units


@dataclass(frozen=True)
class Workflow:
    """A model's table of moves over its state `field`, and the error its refusals raise.

    `illegal` is the message of a move from the wrong state (with `%(current)s`, and the
    move's `%(action)s` participle or `%(target)s` label); `state_of(obj)` and
    `state_label(obj)` read the state where it is not a plain field (a unit's phase);
    `unit_of(obj)` gives the event's unit id."""

    field: str
    moves: tuple[Move, ...]
    error: type[DomainError]
    illegal: Promise | str
    unit_of: Callable[[Any], int | None] = lambda obj: getattr(obj, "unit_id", None)
    state_of: Callable[[Any], str] | None = None
    state_label: Callable[[Any], str] | None = None
    by_name: dict[str, Move] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "moves", tuple(self.moves))
        object.__setattr__(self, "by_name", {move.name: move for move in self.moves})

    def __getitem__(self, name: str) -> Move:
        return self.by_name[name]

    def state(self, obj: Any) -> str:
        return self.state_of(obj) if self.state_of else getattr(obj, self.field)

    def label_of(self, obj: Any) -> str:
        if self.state_label:
            return self.state_label(obj)
        return str(getattr(obj, f"get_{self.field}_display")())


WORKFLOWS: dict[type[models.Model], Workflow] = {}

Listener = Callable[[Sequence[Event]], None]
LISTENERS: list[Listener] = []


def listen(listener: Listener) -> None:
    """Hand every event written from now on to `listener`, inside the event's transaction."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def announce(events: Sequence[Event]) -> None:
    """Tell the listeners about `events`, just written (called inside their transaction)."""
    for listener in LISTENERS:
        listener(events)


def register(model: type[models.Model], workflow: Workflow) -> Workflow:
    """Declare `model`'s table of moves (each domain registers the workflows it owns; the
    unit's phase advance is progress's, since the gate is its rule)."""
    WORKFLOWS[model] = workflow
    return workflow


def workflow_of(obj_or_model: Any) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return WORKFLOWS[model._meta.concrete_model]


def allowed_moves(obj: Any, user: User | AnonymousUser | None) -> list[Move]:
    """The moves `user` may make on `obj` in its present state, in the table's order (no query
    unless a move's `allowed` needs one)."""
    if user is None or not user.is_authenticated or type(obj) not in WORKFLOWS:
        return []
    workflow = workflow_of(obj)
    state = workflow.state(obj)
    return [move for move in workflow.moves if move.starts_from(state) and move.allowed(user, obj)]


def transition(
    obj: models.Model,
    name: str,
    *,
    by: User | None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    **params: Any,
) -> Event:
    """Make the move `name` on `obj`, as `by` (None: the system); return its event.

    Refused (nothing changes) when the move is unknown, the row's state as it is now is not
    one the move starts from (the page was stale), the actor may not make it, a required
    reason is missing, or the move's precondition fails — checked in that order, each with the
    workflow's domain error and its message."""
    workflow = workflow_of(obj)
    move = workflow.by_name.get(name)
    if move is None:
        raise workflow.error(
            workflow.illegal, current=workflow.label_of(obj), action=name, target=name
        )
    reason = (reason or "").strip()
    model = type(obj)
    # Two people may act on the same record at once (a clerk submitting while a reviewer
    # returns, two reviewers): lock the row and decide on its state as it is now.
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        before = workflow.state(current)
        if not move.starts_from(before):
            raise workflow.error(
                move.illegal or workflow.illegal,
                current=workflow.label_of(current),
                action=move.past,
                target=move.label,
            )
        permitted = move.system if by is None else move.allowed(by, current)
        if not permitted:
            raise workflow.error(
                move.refused or workflow.illegal,
                current=workflow.label_of(current),
                action=move.past,
            )
        if move.reason and not reason:
            raise workflow.error(move.reason_missing)
        step = Step(
            obj=obj, current=current, by=by, at=timezone.now(), reason=reason, params=params
        )
        if move.check:
            move.check(step)
        fields = [workflow.field] if move.target is not None else []
        if move.target is not None:
            setattr(obj, workflow.field, move.target)
        if move.effect:
            fields += [name for name in move.effect(step) if name not in fields]
        if by is not None:
            obj._history_user = by  # django-simple-history: who changed the row
        obj.save(update_fields=fields)
        event = Event.objects.create(
            at=step.at,
            actor=by,
            unit_id=workflow.unit_of(obj),
            record=obj,  # the content type and id; the listeners read the record in hand
            kind=EventKind.MOVE,
            action=move.name,
            from_state=before,
            to_state=workflow.state(obj),
            reason=reason,
            data={**(data or {}), **step.data},
        )
        announce([event])
        return event


def record_event(
    obj: models.Model,
    kind: EventKind | str,
    *,
    by: User | None,
    action: str = "",
    unit_id: int | None = None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Write an occurrence that is not a move — created, assigned, deadline reached, job
    finished or failed — to the event log (several at once: `occurrence(...)` each, then
    `record_events`)."""
    event = occurrence(
        obj, kind, by=by, action=action, unit_id=unit_id, reason=reason, data=data, at=at
    )
    with transaction.atomic(savepoint=False):  # the event and what follows it: all or nothing
        event.save()
        announce([event])
    return event


def record_events(events: Sequence[Event]) -> list[Event]:
    """Write several occurrences (`occurrence(...)` each) at once and tell the listeners."""
    with transaction.atomic(savepoint=False):
        written = Event.objects.bulk_create(events)
        announce(written)
    return written


def occurrence(
    obj: models.Model,
    kind: EventKind | str,
    *,
    by: User | None,
    action: str = "",
    unit_id: int | None = None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """The event log's row for an occurrence, not saved yet."""
    if unit_id is None:
        unit_id = getattr(obj, "unit_id", None)
    return Event(
        at=at or timezone.now(),
        actor=by,
        unit_id=unit_id,
        record=obj,  # the content type and id; the listeners read the record in hand
        kind=kind,
        action=action or str(kind),
        reason=reason,
        data=dict(data or {}),
    )
