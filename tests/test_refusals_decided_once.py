"""A refusal is decided once (issue 21): the `ensure_…` of the app's permissions.py raises
PermissionDenied with its message, and the service and the view both call it.

A view module that builds a PermissionDenied itself, or asks a user's roles itself, restates a rule
that the permissions module already holds, and the two drift apart (a page offering what the
service refuses, two messages for one refusal). The modules are found from the URL conf, so a new
view module is held to the rule without being listed here.
"""

import ast
import inspect
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

OUR_APPS = {
    "komae_sns",
    "portal",
    "reviews",
    "archive",
    "approvals",
    "monitoring",
    "screening",
    "policies",
    "platforms",
    "accounts",
    "org",
    "core",
}
# Role helpers a view must not call: the rule "who may do this" is a `can_…` / `ensure_…` of the
# app's permissions.py. (`sees_all` stays allowed: it is the SPEC §1 scope a page is titled by,
# "全庁の" or "担当の", not a right to act.)
ROLE_HELPERS = {"has_role", "roles_of", "is_sysadmin"}


def _callbacks(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def _view_modules() -> set[str]:
    modules = set()
    for callback in _callbacks(get_resolver().url_patterns):
        module = getattr(callback, "view_class", callback).__module__
        if module.split(".")[0] in OUR_APPS:
            modules.add(module)
    return modules


def _offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "PermissionDenied":
                found.append(f"line {node.lineno}: PermissionDenied(…) built in the view")
            elif name in ROLE_HELPERS:
                found.append(f"line {node.lineno}: {name}(…) asked in the view")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
            found.append(f"line {node.lineno}: Role.{node.attr} checked in the view")
    return found


def test_the_scan_finds_every_kind_of_restated_refusal():
    source = (
        "def v(request):\n"
        "    if not can_x(request.user):\n"
        '        raise PermissionDenied("…")\n'
        "    if has_role(request.user, Role.SYSADMIN):\n"
        "        pass\n"
    )
    assert sorted(_offences(source)) == [
        "line 3: PermissionDenied(…) built in the view",
        "line 4: Role.SYSADMIN checked in the view",
        "line 4: has_role(…) asked in the view",
    ]
    assert _offences("def v(request):\n    ensure_can_x(request.user)\n") == []


def test_the_view_modules_are_found_from_the_url_conf():
    modules = _view_modules()
    assert {"accounts.views", "approvals.views", "monitoring.views", "policies.views", "org.views"} <= modules


@pytest.mark.parametrize("module", sorted(_view_modules()))
def test_no_view_restates_a_refusal(module):
    __import__(module)
    source = Path(inspect.getsourcefile(sys.modules[module])).read_text(encoding="utf-8")
    assert _offences(source) == [], (
        f"{module}: call the app's permissions.py (ensure_can_… raises the one message) instead"
    )
