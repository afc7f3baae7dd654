"""運用ポリシー PDF: issue-and-render vs a bare WeasyPrint render, and serving the stored file.

Run: `python bench/pdf.py` (DATABASE_URL as for the suite; a throwaway test database is used).
Targets (SPEC §7, the policies issue): issue+render / bare render ≤ 1.3; serving a stored PDF < 20 ms.
The bare render is WeasyPrint with the options every document is issued with (`core.pdf.PDF_OPTIONS`:
tagged PDF/A-2a), so the ratio measures our overhead, not the cost of tagging.
Prints its figures; it never fails.
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="komae-bench-media-"))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402

from bench.small import parse_args  # noqa: E402
from core.pdf import BASE_CSS_PATH, PDF_OPTIONS  # noqa: E402
from policies import services  # noqa: E402


def _account():
    from django.contrib.auth.models import Group

    from accounts.models import OfficialAccount, Platform
    from org.models import Department, User

    bu = Department.objects.create(code="B", name="児童青少年部", kind="bu")
    ka = Department.objects.create(code="K", name="子ども政策課", parent=bu)
    head = User.objects.create(username="head", department=ka)
    head.groups.add(Group.objects.get(name="section_head"))
    account = OfficialAccount.objects.create(
        department=ka,
        platform=Platform.objects.get(code="x"),
        handle="komae_kodomo",
        display_name="こまえ子ども",
        profile_url="https://x.com/komae_kodomo",
        profile_operator="狛江市子ども政策課",
        profile_purpose="子育て情報",
        manager=head,
        registered_email="kodomo@city.komae.lg.jp",
        content_categories=["general", "disaster"],
        status="active",
    )
    return account, head


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parse_args(parser, runs=1)
    # Its own throwaway database, so the bench runs beside the others and the test suite on the same server.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_pdf"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        account, head = _account()
        services.policy_draft_start(account_id=account.pk, actor=head)
        issue_ms, bare_ms = [], []
        day = date(2026, 4, 1)
        for run in range(args.runs + 1):  # the first round warms fonts and caches, not counted
            draft = account.__class__.objects.get(pk=account.pk).policy_draft
            articles = [dict(a) for a in draft.articles]
            articles[9]["body"] = f"このポリシーに定めるもののほか、必要な事項は別に定める。（改正{run}）"
            services.policy_draft_update(account_id=account.pk, actor=head, title=draft.title, articles=articles)

            start = time.perf_counter()
            version = services.policy_issue(account_id=account.pk, actor=head, issued_on=day + timedelta(days=run))
            version.refresh_from_db()
            assert version.pdf, "the PDF is rendered on commit"
            issued = (time.perf_counter() - start) * 1000

            context = services.document_context(
                title=version.title, articles=version.articles, history=version.history, draft=False
            )
            start = time.perf_counter()
            html = render_to_string("policies/pdf/policy.html", context)
            HTML(string=html).write_pdf(stylesheets=[CSS(string=BASE_CSS_PATH.read_text())], **PDF_OPTIONS)
            bare = (time.perf_counter() - start) * 1000
            if run:
                issue_ms.append(issued)
                bare_ms.append(bare)

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(head)
        url = f"/accounts/{account.pk}/policy/v{version.number}.pdf"
        serve_ms = []
        for run in range(args.runs + 1):
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200 and body.startswith(b"%PDF")
            if run:
                serve_ms.append(elapsed)

        issue, bare, serve = (statistics.median(x) for x in (issue_ms, bare_ms, serve_ms))
        print(f"運用ポリシー PDF, median of {args.runs} runs (same process)")
        print(f"  issue + render + store (policy_issue)   {issue:8.1f} ms")
        print(f"  bare WeasyPrint render of the same HTML {bare:8.1f} ms   ({PDF_OPTIONS['pdf_variant']}, tagged)")
        print(f"  ratio issue / bare                      {issue / bare:8.2f}   (target ≤ 1.3)")
        print(f"  serve the stored PDF through the view   {serve:8.1f} ms   (target < 20 ms)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
