"""Templates obey the layers contract too (issue 21).

import-linter holds the Python imports to the layers of pyproject.toml; a template can still reach up — a
`{% url 'monitoring:…' %}`, an `{% include "policies/…" %}`, a `{% load %}` of a tag library of an app above —
and then the lower app cannot be read, tested or reused without the upper one. Each app's templates may name
only their own app and the apps of the layers below it; siblings ("a | b") do not know each other. The apps
above add to a lower app's pages through its declared extension point (accounts/page.py for the account page).

Template folders are named for their app, but for `registry/` (the public registry: accounts). The site's own
frame — base.html, the error pages, `registration/` (Django's sign-in pages) — belongs to the configuration layer,
which may name every app, and is not held here.
"""

import re
import tomllib
from pathlib import Path

import pytest
from django.template import engines
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parent.parent
FOLDER_APP = {"registry": "accounts"}

URL = re.compile(r"""\{%\s*url\s+["']([a-z_]+):""")
INCLUDE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([a-z_]+)/""")
LOAD = re.compile(r"""\{%\s*load\s+([^%]+?)\s*%\}""")


def _layers() -> dict[str, int]:
    """App → its layer's index (0 is the top), read from the contract itself."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return {app.strip(): index for index, layer in enumerate(contract["layers"]) for app in layer.split("|")}


LAYERS = _layers()


def _namespace_app(namespace: str) -> str | None:
    entry = get_resolver().namespace_dict.get(namespace)
    if entry is None:
        return None
    return entry[1].urlconf_module.__name__.split(".")[0]


def _library_app(name: str) -> str | None:
    module = engines["django"].engine.libraries.get(name)  # name → dotted path of its module
    return module.split(".")[0] if module else None


def _named_apps(text: str) -> set[str]:
    named = {_namespace_app(ns) for ns in URL.findall(text)}
    named |= {FOLDER_APP.get(folder, folder) for folder in INCLUDE.findall(text)}
    for libraries in LOAD.findall(text):
        named |= {_library_app(name) for name in libraries.split() if name != "from"}
    return {app for app in named if app in LAYERS}


def _templates():
    for folder in sorted((ROOT / "templates").iterdir()):
        app = FOLDER_APP.get(folder.name, folder.name)
        if folder.is_dir() and app in LAYERS:
            for path in sorted(folder.rglob("*.html")):
                yield app, path
    for app in LAYERS:
        own = ROOT / app / "templates"
        if own.is_dir():
            for path in sorted(own.rglob("*.html")):
                yield app, path


def _reaches_up(app: str, named: str) -> bool:
    return named != app and LAYERS[named] <= LAYERS[app]


@pytest.mark.parametrize(("app", "path"), list(_templates()), ids=lambda v: str(v).rsplit("templates/", 1)[-1])
def test_a_template_names_no_app_above_its_own(app, path):
    text = path.read_text(encoding="utf-8")
    above = sorted(named for named in _named_apps(text) if _reaches_up(app, named))
    assert not above, f"{path.relative_to(ROOT)} ({app}) names {above}: contribute through an extension point"


def test_the_check_sees_a_template_that_reaches_up():
    """The account page as it was before issue 21: it loaded monitoring's tags and linked two upper apps."""
    old = (
        "{% load crispy_forms_tags account_monitoring form_a11y %}"
        "<a href=\"{% url 'policies:overview' account.pk %}\"></a>"
        "<a href=\"{% url 'monitoring:incident_new' account.pk %}\"></a>"
        '{% include "approvals/_x.html" %}'
    )
    assert {n for n in _named_apps(old) if _reaches_up("accounts", n)} == {"policies", "monitoring", "approvals"}
    # …and a sibling is as far out of reach as an app above.
    assert _reaches_up("monitoring", "approvals") and not _reaches_up("monitoring", "accounts")
