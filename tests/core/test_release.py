"""A numbered release a city can adopt (issue 20 item 26): licence, version shown to the sysadmin and
reported by /healthz, and a CHANGELOG section for the version in force."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import komae_sns

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_the_sysadmin_sees_the_version_in_the_footer_and_nobody_else(client, admin, staff_a, head_a):
    footer = re.compile(r"<footer.*?</footer>", re.S)
    client.force_login(admin)
    assert f"バージョン {komae_sns.__version__}" in footer.search(client.get(reverse("dashboard")).content.decode())[0]
    for person in (staff_a, head_a):
        client.force_login(person)
        assert "バージョン" not in footer.search(client.get(reverse("dashboard")).content.decode())[0]
    client.logout()
    assert komae_sns.__version__ not in client.get(reverse("registry:list")).content.decode()


def test_healthz_reports_the_version(client):
    assert client.get(reverse("healthz")).json()["version"] == komae_sns.__version__


def test_one_version_source_and_a_changelog_section_for_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "komae_sns.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", komae_sns.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(komae_sns.__version__)}\]", changelog, re.M)
    assert "### Upgrade" in changelog.split(f"## [{komae_sns.__version__}]")[1].split("\n## [")[0]


def test_the_licences_are_there():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    notices = (ROOT / "THIRD-PARTY-NOTICES.md").read_text()
    for vendored in (ROOT / "static/vendor").iterdir():
        if vendored.is_dir():  # every bundled asset is listed with its licence file
            assert f"static/vendor/{vendored.name}/" in notices
            assert (vendored / "LICENSE").is_file()
    assert "報告" in (ROOT / "SECURITY.md").read_text()
