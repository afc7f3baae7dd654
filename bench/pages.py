"""Median server time of the busiest pages at N accounts × Y 年度 (SPEC §7: < 100 ms each).

Run: `make bench` (or `python bench/pages.py --accounts 1000 --years 5`). Fills a throwaway test
database on DATABASE_URL with `seed_bulk`; prints figures and never fails. The floor is a bare view
that renders the same rows from values_list: the ratio is what selectors and templates add to it.
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from accounts.registry_cache import registry_changed  # noqa: E402
from bench.small import parse_args  # noqa: E402
from core.dates import current_fiscal_year  # noqa: E402

FLOOR_TEMPLATE = engines["django"].from_string(
    "<table>{% for r in rows %}<tr><td>{{ r.0 }}</td><td>{{ r.1 }}</td><td>{{ r.2 }}</td></tr>{% endfor %}</table>"
)


def _fill(accounts: int, years: int):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from org.models import User

    call_command("seed_bulk", accounts=accounts, years=years, stdout=open(os.devnull, "w"))
    admin = User.objects.create(username="bench_admin")
    admin.groups.add(Group.objects.get(name="sysadmin"))
    return admin


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    args = parse_args(parser, accounts=20, years=1, runs=1)

    # Its own throwaway database, so the bench runs beside the others and the test suite on the same server.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_pages"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        admin = _fill(args.accounts, args.years)
        client = Client(HTTP_HOST="127.0.0.1")
        staff = Client(HTTP_HOST="127.0.0.1")
        staff.force_login(admin)

        def get(c, url, **params):
            def call():
                registry_changed()  # time a render, not the registry's kept answer (registry_cache.py)
                response = c.get(url, params)
                assert response.status_code == 200, (url, response.status_code)

            return call

        def floor():
            from accounts.models import OfficialAccount

            rows = OfficialAccount.objects.values_list("display_name", "handle", "department__name")
            FLOOR_TEMPLATE.render({"rows": list(rows)})

        figures = {
            "floor (values_list + bare template)": _median_ms(floor, args.runs),
            "/registry/ (goal ≤ ×2 of the floor)": _median_ms(get(client, "/registry/"), args.runs),
            "/registry/accounts.json": _median_ms(get(client, "/registry/accounts.json"), args.runs),
            "/registry/verify?q=…": _median_ms(
                get(client, "/registry/verify", q="https://twitter.com/Komae_500?s=20"), args.runs
            ),
            "/accounts/ (sysadmin, 50 a page)": _median_ms(get(staff, "/accounts/"), args.runs),
            "/ dashboard (sysadmin)": _median_ms(get(staff, "/"), args.runs),
            "/reviews/dashboard/ (年度末, sysadmin)": _median_ms(
                get(staff, "/reviews/dashboard/", fy=str(current_fiscal_year() - 1)), args.runs
            ),
        }
        print(
            f"{args.accounts} accounts × {args.years} 年度, {connection.vendor}, median of {args.runs} runs "
            "(server time, ms; target < 100 ms)"
        )
        base = figures["floor (values_list + bare template)"]
        for name, ms in figures.items():
            print(f"  {name:<40} {ms:8.1f} ms   ×{ms / base:5.1f} of the floor")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
