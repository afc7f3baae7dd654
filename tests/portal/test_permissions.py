"""Who watches the backups on the dashboard (portal/permissions.py, issue 14). `make mutate` runs these."""

import pytest

from portal.permissions import can_see_backups
from tests.conftest import who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_sysadmin_watches_the_backups(people):
    assert who_may(people, can_see_backups) == {"admin"}
