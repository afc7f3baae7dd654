"""The audit trail's writers: one row per change, appended in the transaction that made it (SPEC §7)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

Action = AuditEvent.Action
ActorKind = AuditEvent.ActorKind
Job = AuditEvent.Job


@dataclass(frozen=True)
class TokenActor:
    """An API token that acts (issue 23), for the person who owns it (`owner`, a User) if any.

    `reference` names the token as its page and logs do (an id or a prefix), never its secret."""

    reference: str
    owner: Any = None


def person_of(actor):
    """The person behind `actor` (for a record's "by" column): a User, a token's owner, or None for a job."""
    if isinstance(actor, TokenActor):
        return actor.owner
    if isinstance(actor, Job):
        return None
    return actor


def _actor_columns(actor) -> dict[str, Any]:
    """The row's actor columns; anything but a signed-in person, a job or a token is refused."""
    if isinstance(actor, Job):
        if actor == Job.UNKNOWN:
            raise TypeError("Job.UNKNOWN names rows written before issue 21; a new row names its job")
        return {"actor_kind": ActorKind.JOB, "actor": None, "actor_job": actor}
    if isinstance(actor, TokenActor):
        if not actor.reference:
            raise TypeError("a token actor needs the token's reference")
        return {"actor_kind": ActorKind.API_TOKEN, "actor": actor.owner, "actor_token": actor.reference}
    # mutmut: equivalent — None for the default False: both are falsy here.
    if isinstance(actor, models.Model) and getattr(actor, "is_authenticated", False):
        return {"actor_kind": ActorKind.PERSON, "actor": actor}
    raise TypeError(f"an audit row's actor is a person, a Job or a TokenActor, not {actor!r}")


def audit_record(
    *,
    target,
    actor,
    action: Action,
    summary: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit row for `target`; call it inside the transaction that made the change.

    `action` is a member of the closed list (a plain string is refused, even one of its values);
    `actor` is the person, the Job, or the TokenActor that made the change.
    """
    if not isinstance(action, Action):
        raise TypeError(f"an audit action is a member of AuditEvent.Action, not {action!r}")
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        action=action,
        summary=summary,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
        **_actor_columns(actor),
    )


def shown(value: Any) -> Any:
    """A field value as the audit trail keeps it: JSON-safe and readable (a related object by its name)."""
    if value is None or isinstance(value, bool | int | str | list):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def label_of(model, name: str) -> str:
    """A field as users read it; clause IDs in it in the city's own numbering (the city profile)."""
    return settings.CITY.words(model._meta.get_field(name).verbose_name)


def snapshot(obj: models.Model, names) -> dict[str, Any]:
    """The values of `names` on `obj` now, to compare after an edit (`changed_fields`)."""
    return {name: getattr(obj, name) for name in names}


def changed_fields(obj: models.Model, before: dict[str, Any]) -> dict[str, list]:
    """{label: [old, new]} of the fields in `before` whose value on `obj` differs now."""
    return {
        label_of(type(obj), name): [shown(old), shown(getattr(obj, name))]
        for name, old in before.items()
        if getattr(obj, name) != old
    }


def audit_edit(*, target, actor, changes: dict[str, list], what: str, comment: str = "") -> AuditEvent | None:
    """An UPDATED row naming the changed fields, old → new; none when nothing changed."""
    if not changes:
        return None
    return audit_record(
        target=target,
        actor=actor,
        action=Action.UPDATED,
        summary=summary_of(what, list(changes)),
        changes=changes,
        comment=comment,
    )


SUMMARY_MAX = AuditEvent._meta.get_field("summary").max_length


def summary_of(what: str, labels: list[str]) -> str:
    """'登録内容を変更（表示名、URL）', shortened to 'ほかN項目' to fit the summary column; `changes` has all."""
    for shown_count in range(len(labels), 0, -1):
        rest = len(labels) - shown_count
        text = f"{what}（{'、'.join(labels[:shown_count])}{f'ほか{rest}項目' if rest else ''}）"
        if len(text) <= SUMMARY_MAX:
            return text
    return f"{what}（{len(labels)}項目）"[:SUMMARY_MAX]


def transition(
    obj: models.Model,
    *,
    to: str,
    actor,
    label: str,
    field: str = "status",
    comment: str = "",
    update_fields=(),
    changes: dict | None = None,
) -> AuditEvent:
    """Move `obj` to state `to` and append its TRANSITION row, old → new, on `obj` itself.

    The caller has locked the row and checked the right and the moment (SPEC §4); this writes the
    state, the other `update_fields` the caller set, and the audit row, in the caller's transaction.
    """
    old = getattr(obj, field)
    setattr(obj, field, to)
    fields = [field, *update_fields]
    if any(f.name == "updated_at" for f in obj._meta.fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    labels = dict(type(obj)._meta.get_field(field).choices)
    states = f"：{labels.get(old, old)} → {labels.get(to, to)}"
    if len(label) + len(states) > SUMMARY_MAX:
        label = label[: SUMMARY_MAX - len(states) - 1] + "…"
    return audit_record(
        target=obj,
        actor=actor,
        action=Action.TRANSITION,
        summary=label + states,
        from_state=old,
        to_state=to,
        comment=comment,
        changes=changes,
    )


TIMELINE_LIMIT = 100


def timeline_of(obj, *, also: models.QuerySet | None = None, limit: int = TIMELINE_LIMIT) -> dict:
    """The newest `limit` audit rows of `obj` for its page, and whether older ones exist (one query).

    `also`: records kept beside `obj` whose own rows its page shows with its own (an account's
    public changes)."""
    rows = AuditEvent.objects.for_object(obj)
    if also is not None:
        rows = rows | AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(also.model), object_id__in=also.values("pk")
        )
    # mutmut: equivalent — `limit + 2`: one row more than limit + 1 shows the same page and the same flag;
    # "-at" alone orders the same but for rows of the very same microsecond, which the database then
    # returns in the order it finds them (as written, here); the test of that order cannot force its choice.
    rows = list(rows.order_by("-at", "-id")[: limit + 1])
    return {"timeline": rows[:limit], "timeline_more": len(rows) > limit, "timeline_limit": limit}
