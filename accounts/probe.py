"""Which lists name a reference at all: the first question /registry/verify asks (issue 24).

An answer reads four lists — this city's accounts, its warning list (P-7-2), the peers' accounts and
the peers' warnings — and most references are in none of them or in one. So verify() first asks the
database, in one round trip, which lists name the reference, and reads only those whole.

With 50,000 peer accounts the lookups themselves take well under a millisecond each (indexes); most of
a query's cost is Django compiling it. The probe's SQL is therefore compiled once per shape of
reference — which of permanent ID, handle and platform it carries — from the same querysets that
read the lists (so the two can never disagree on what matches), with placeholder values that are
then swapped for the reference's own on each call. bench/federation.py prints the figures.
"""

import threading

from django.db import connection
from django.db.models import CharField, Value

from .impersonations import warned_matching
from .lookup import ProfileRef
from .models import AccountStatus, PeerAccount, PeerImpersonation
from .peers import matching
from .selectors import accounts_matching_reference

OWN, OWN_WARNING, PEER, PEER_WARNING = "own", "own_warning", "peer", "peer_warning"

# Placeholders: none of them can be a real value (a NUL), each distinct, and each with a "%" so that a
# backend that escapes an iexact value for LIKE (SQLite) shows it escaped: the placeholder's position
# and how its value is to be escaped both come from the compiled parameters.
_PLACEHOLDERS = {"account_id": "\x00id%\x00", "handle": "\x00handle%\x00", "platform": "\x00platform%\x00"}

_compiled: dict[tuple, tuple[str, tuple]] = {}
_lock = threading.Lock()


def _querysets(ref: ProfileRef):
    """The four lists' querysets for `ref`, each giving its label for a matching row."""
    lists = {
        OWN: accounts_matching_reference(ref).exclude(status=AccountStatus.PREPARING),
        OWN_WARNING: warned_matching(ref),
        PEER: matching(PeerAccount, ref),
        PEER_WARNING: matching(PeerImpersonation, ref),
    }
    return [
        qs.order_by().annotate(list_name=Value(label, output_field=CharField())).values_list("list_name")
        for label, qs in lists.items()
    ]


def _compile(shape: tuple) -> tuple[str, tuple]:
    ref = ProfileRef(
        platform=_PLACEHOLDERS["platform"] if shape[0] else None,
        handle=_PLACEHOLDERS["handle"] if shape[1] else None,
        account_id=_PLACEHOLDERS["account_id"] if shape[2] else None,
    )
    first, *rest = _querysets(ref)
    sql, params = first.union(*rest, all=True).query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _value(param, ref: ProfileRef):
    """The reference's value for a compiled parameter: the placeholder's field, escaped as it was."""
    escaped = connection.ops.prep_for_iexact_query
    for name, placeholder in _PLACEHOLDERS.items():
        value = getattr(ref, name)
        if value is None:
            continue
        if name == "account_id":
            value = value.lower()  # the peers' key is lower-case; the own list compares case-blind anyway
        if param == placeholder:
            return value
        if param == escaped(placeholder):
            return escaped(value)
    return param


def lists_naming(ref: ProfileRef) -> set[str]:
    """The names of the lists (OWN, OWN_WARNING, PEER, PEER_WARNING) in which `ref` appears."""
    if not (ref.handle or ref.account_id):
        return set()
    shape = (bool(ref.platform), bool(ref.handle), bool(ref.account_id))
    key = (connection.alias, connection.vendor, *shape)
    with _lock:
        if key not in _compiled:
            _compiled[key] = _compile(shape)
    sql, params = _compiled[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [_value(p, ref) for p in params])
        return {row[0] for row in cursor.fetchall()}
