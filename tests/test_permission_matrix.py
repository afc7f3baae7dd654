"""Every URL × every role (and anonymous) → the expected answer, generated from the URL conf.

A page is opened (RULES) and a form is sent (POSTS) by every named person. A new view without a row
fails `test_every_url_has_a_rule`, and one that takes a POST the matrix does not send fails
`test_a_view_not_in_posts_refuses_a_post`, so nobody can add a page or a form and forget to decide who
may use it. Every POST that is not allowed to act is checked to have changed nothing at all.
"""

import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from celery.signals import task_prerun
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import peers as account_peers
from accounts import services as account_services
from accounts.impersonations import impersonation_confirm
from accounts.models import AccountStatus
from accounts.services import EDITABLE_FIELDS
from api import tokens as api_tokens
from approvals import services as approval_services
from archive import disposal as archive_disposal
from archive.models import AccountArchive, Post, PostVersion, Retention
from discovery.models import Candidate
from komae_sns.celery import app
from monitoring import incidents as monitoring_incidents
from monitoring import status as monitoring_status
from org.roles import Role
from platforms import credentials as monitoring_credentials
from platforms.checks import ProfileState
from policies import services as policy_services
from policies.models import PolicyDraft
from reviews import services as reviews_services
from screening import drafts as post_drafts
from tests.archive.kept import kept_post, when
from tests.archive.made import at, keep_post
from tests.conftest import _user, enact_policy
from tests.factories import PASSWORD, AccountFactory, BuFactory, DepartmentFactory, complete_request_fields, platform
from tests.reviews.test_reviews import complete_review

PEOPLE = [
    "anonymous",
    "staff_a",
    "head_a",
    "staff_b",
    "head_b",
    "contractor",
    "member",
    "chair",
    "security_officer",
    "pr_officer",
    "admin",
]
LOGIN = "login"  # a redirect to the login page
PUBLIC = dict.fromkeys(PEOPLE, 200)
ANY_USER = {"anonymous": LOGIN, **dict.fromkeys(PEOPLE[1:], 200)}


def _rule(default, **overrides):
    row = {"anonymous": LOGIN, **dict.fromkeys(PEOPLE[1:], default)}
    row.update(overrides)
    return row


# Who sees 課A's account: its own 課, the roles that see all (SPEC §1), the contractor assigned to it.
SEES_A = {"staff_a": 200, "head_a": 200, "member": 200, "chair": 200, "security_officer": 200, "admin": 200}

SEES_A_403 = dict.fromkeys(SEES_A, 403)
# Who works on 課A's incidents: its 課, the security officer and the sysadmin (monitoring.permissions).
WORKS_ON_A = dict.fromkeys(("staff_a", "head_a", "security_officer", "admin"), 200)

# GET: url name → (kwargs builder name, {person: expected status or LOGIN})
RULES = {
    "dashboard": (None, ANY_USER),
    "healthz": (None, PUBLIC),
    "system": (None, _rule(403, admin=200)),  # issue 24: the list of the sysadmin's pages
    "notices": (None, ANY_USER),
    "notice": ("notice", _rule(404, head_a=302)),
    "login": (None, {"anonymous": 200, **dict.fromkeys(PEOPLE[1:], 302)}),
    "password_change": (None, ANY_USER),
    "password_change_done": (None, ANY_USER),
    "accounts:list": (None, ANY_USER),
    "accounts:create": (
        None,
        _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200, admin=200, pr_officer=403),
    ),
    "accounts:detail": ("account", _rule(404, **SEES_A, contractor=200)),
    "accounts:edit": (
        "account",
        _rule(404, staff_a=200, head_a=200, admin=200, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "accounts:transition": (
        "transition",
        _rule(404, head_a=200, admin=200, staff_a=403, member=403, chair=403, security_officer=403),
    ),
    "policies:overview": ("account", _rule(404, **SEES_A, contractor=200)),
    "policies:draft": (
        "account",
        _rule(404, staff_a=200, head_a=200, admin=200, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "policies:draft_pdf": ("account", _rule(404, **SEES_A, contractor=200)),
    "policies:issue": (
        "account",
        _rule(404, head_a=200, admin=200, staff_a=403, member=403, chair=403, security_officer=403, contractor=403),
    ),
    "policies:version": ("version", _rule(404, **SEES_A, contractor=200)),
    "policies:version_pdf": ("version", _rule(404, **SEES_A, contractor=200)),
    "approvals:list": (None, ANY_USER),
    "approvals:create": (None, _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200)),
    "approvals:detail": ("request", _rule(404, **SEES_A)),
    "approvals:edit": (
        "request",
        _rule(404, staff_a=302, head_a=302, member=403, chair=403, security_officer=403, admin=403),
    ),
    "approvals:submit": ("request", _rule(404, **{**SEES_A_403, "head_a": 302})),
    "approvals:decide": ("request", _rule(404, **{**SEES_A_403, "chair": 200})),
    "approvals:form4_pdf": ("request", _rule(404, **SEES_A)),
    "reviews:list": (None, ANY_USER),
    "reviews:dashboard": (None, ANY_USER),
    "reviews:report_pdf": (None, ANY_USER),
    "reviews:detail": ("review", _rule(404, **SEES_A, contractor=200)),
    "reviews:plan_create": (
        "review",
        _rule(404, **{**SEES_A_403, "head_a": 200, "admin": 200, "contractor": 403}),
    ),
    "reviews:plan": ("plan", _rule(404, **SEES_A, contractor=200)),
    # The result of a 今すぐ確認 (issue 15): whoever sees the account's page and its status checks.
    "monitoring:check_result": ("check_result", _rule(404, **SEES_A, contractor=200)),
    "monitoring:incidents": (None, ANY_USER),
    "monitoring:incident_new": ("incident_new", _rule(404, **SEES_A, contractor=200)),
    "monitoring:incident": ("incident", _rule(404, **SEES_A, contractor=200)),
    "monitoring:evidence": ("evidence", _rule(404, **SEES_A, contractor=200)),
    # Issue 22: the incident's evidence PDF, and picking its evidence from the archive — whoever may work
    # on the incident (those who see it but may not: 403).
    "monitoring:incident_pdf": ("incident", _rule(404, **WORKS_ON_A, member=403, chair=403, contractor=403)),
    "archive:incident_posts": ("incident", _rule(404, **WORKS_ON_A, member=403, chair=403, contractor=403)),
    # The API tokens of the status checks (issue 13): the sysadmin alone.
    "platforms:credentials": (None, _rule(403, admin=200)),
    # Issue 24: the tokens of the API for other tools — the sysadmin alone.
    "api:tokens": (None, _rule(403, admin=200)),
    "api:token_create": (None, _rule(403, admin=200)),
    "api:token_revoke": ("api_token", _rule(403, admin=200)),
    # Issue 24: the other municipalities' registries this one reads: the sysadmin alone.
    "accounts:peers": (None, _rule(403, admin=200)),
    # SPEC §6: for who posts on accounts; a person who posts on none is offered no form.
    "screening:screen": (None, _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200, contractor=200, admin=200)),
    "screening:records": (None, ANY_USER),
    # Issue 25 (G-4-3-ア): 決裁 before posting. The list shows each person the drafts of the accounts they
    # see; a draft and its images, whoever sees the account; the deputy is named by the 課長 alone.
    "screening:drafts": (None, ANY_USER),
    # Issue 25: the queue of posts nobody approved, for a 課's staff and 課長 (each sees what they answer).
    "archive:unconfirmed": (None, _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200)),
    "screening:draft_new": (
        None,
        _rule(403, staff_a=200, head_a=200, staff_b=200, head_b=200, contractor=200, admin=200),
    ),
    "screening:draft": ("post_draft", _rule(404, **SEES_A, contractor=200)),
    "screening:draft_image": ("draft_image", _rule(404, **SEES_A, contractor=200)),
    "screening:deputy": ("archive_account", _rule(404, **{**SEES_A_403, "head_a": 200}, contractor=403)),
    "org:lockouts": (None, _rule(403, security_officer=200, admin=200)),
    # Issue 22, retention (公文書管理): the 年度末 list for the 課長 and the security officer; an account's
    # period for its 課長 and the sysadmin; a post recorded by hand by the 管理者 and the 課's staff and 課長.
    "archive:retention": (None, _rule(403, head_a=200, head_b=200, security_officer=200)),
    "archive:retention_account": (
        "archive_account",
        _rule(404, **{**SEES_A_403, "head_a": 200, "security_officer": 200, "contractor": 403}),
    ),
    "archive:decision": (
        "decision",
        _rule(404, **{**SEES_A_403, "head_a": 200, "security_officer": 200, "contractor": 403}),
    ),
    "archive:retention_set": (
        "archive_account",
        _rule(404, **{**SEES_A_403, "head_a": 200, "admin": 200, "contractor": 403}),
    ),
    "archive:record": ("line_account", _rule(404, **{**SEES_A_403, "staff_a": 200, "head_a": 200})),
    "registry:list": (None, PUBLIC),
    "registry:verify": (None, PUBLIC),
    # --- issue 22: the archive's search and a kept post (whoever sees the account; 403 otherwise) ---
    "archive:search": (None, ANY_USER),
    "archive:post": ("archived_post", _rule(403, **SEES_A, contractor=200)),
    "registry:json": (None, PUBLIC),
    "registry:csv": (None, PUBLIC),
    # --- issue 23: the warning list, residents' reports, and the lookalike queue (security officer, 広報) ---
    "registry:warnings_csv": (None, PUBLIC),
    "registry:warnings_atom": (None, PUBLIC),
    "registry:report": (None, PUBLIC),
    "registry:report_done": (None, PUBLIC),
    "discovery:queue": (None, _rule(403, security_officer=200, pr_officer=200)),
    "discovery:candidate": ("candidate", _rule(403, security_officer=200, pr_officer=200)),
    "discovery:warnings": (None, _rule(403, security_officer=200, pr_officer=200)),
}


@dataclass(frozen=True)
class Acts:
    """An allowed POST that does what it asks: a row written, a task queued or a mail sent."""

    status: int


def _acting(status, *people):
    return {person: Acts(status) for person in people}


# POST: url name → (kwargs builder name, body name, {person: expected}). Each body is the form a person
# who may act would send, so that it would change something (`Acts`); every other answer — a refusal
# (403/404/login), a form sent back with its errors (200), a state that no longer allows it — must
# leave everything as it was: no row, no audit row, no task queued, no mail.
POSTS = {
    # head_a has notices (a request, a draft waiting); staff_a too (issue 25: its draft approved).
    "notices_read_all": (None, "empty", _rule(302, head_a=Acts(302), staff_a=Acts(302))),
    # Signing out is written in axes' access log.
    "logout": (None, "empty", {"anonymous": 302, **_acting(302, *PEOPLE[1:])}),
    # Signed in already: sent on to the dashboard, the form not read.
    "login": (None, "login", {"anonymous": Acts(302), **dict.fromkeys(PEOPLE[1:], 302)}),
    "password_change": (None, "password_change", {"anonymous": LOGIN, **_acting(302, *PEOPLE[1:])}),
    "accounts:create": (
        None,
        "account_register",
        _rule(403, **_acting(302, "staff_a", "head_a", "staff_b", "head_b", "admin")),
    ),
    "accounts:edit": (
        "account",
        "account_edit",
        _rule(
            404,
            **_acting(302, "staff_a", "head_a", "admin"),
            member=403,
            chair=403,
            security_officer=403,
            contractor=403,
        ),
    ),
    "accounts:followers": (
        "account",
        "followers",
        _rule(
            404, **_acting(302, "staff_a", "head_a", "admin", "contractor"), member=403, chair=403, security_officer=403
        ),
    ),
    "accounts:transition": (
        "transition",
        "activate",
        _rule(404, **_acting(302, "head_a", "admin"), staff_a=403, member=403, chair=403, security_officer=403),
    ),
    # The 課長 (or the sysadmin) approves a 担当職員's change of what the public sees (SPEC §8).
    "accounts:public_change": (
        "public_change",
        "comment",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a", "admin"), "contractor": 403}),
    ),
    "policies:draft": (
        "account",
        "policy_draft",
        _rule(
            404,
            **_acting(302, "staff_a", "head_a", "admin"),
            member=403,
            chair=403,
            security_officer=403,
            contractor=403,
        ),
    ),
    "policies:draft_start": (
        "account",
        "empty",
        _rule(
            404,
            **_acting(302, "staff_a", "head_a", "admin"),
            member=403,
            chair=403,
            security_officer=403,
            contractor=403,
        ),
    ),
    "policies:issue": (
        "account",
        "policy_issue",
        _rule(
            404,
            **_acting(302, "head_a", "admin"),
            staff_a=403,
            member=403,
            chair=403,
            security_officer=403,
            contractor=403,
        ),
    ),
    "approvals:create": (
        None,
        "request_create",
        _rule(403, **_acting(302, "staff_a", "head_a", "staff_b", "head_b")),
    ),
    "approvals:edit": (
        "draft_request",
        "request_edit",
        _rule(404, **_acting(302, "staff_a", "head_a"), security_officer=403, admin=403),
    ),
    "approvals:submit": (
        "draft_request",
        "empty",
        _rule(404, **_acting(302, "head_a"), staff_a=403, security_officer=403, admin=403),
    ),
    "approvals:ask_submission": (
        "draft_request",
        "empty",
        _rule(404, **_acting(302, "staff_a"), head_a=403, security_officer=403, admin=403),
    ),
    "approvals:vote": ("request", "vote", _rule(404, **{**SEES_A_403, **_acting(302, "member", "chair")})),
    "approvals:comment": (
        "request",
        "request_comment",
        _rule(404, **{**SEES_A_403, **_acting(302, "member", "chair")}),
    ),
    "approvals:decide": ("request", "decide", _rule(404, **{**SEES_A_403, **_acting(302, "chair")})),
    "reviews:start": (
        "review_start",
        "empty",
        _rule(404, **{**SEES_A_403, **_acting(302, "staff_a", "head_a"), "contractor": 403}),
    ),
    "reviews:detail": (
        "draft_review",
        "review",
        _rule(404, **{**SEES_A_403, **_acting(302, "staff_a", "head_a"), "contractor": 403}),
    ),
    "reviews:plan_create": (
        "plan_review",
        "plan",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a", "admin"), "contractor": 403}),
    ),
    "reviews:plan": (
        "plan",
        "empty",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a", "admin"), "contractor": 403}),
    ),
    "monitoring:incident_new": ("incident_new", "incident", _rule(404, **_acting(302, *SEES_A, "contractor"))),
    "monitoring:incident_act": (
        "incident_act",
        "empty",
        _rule(
            404, **_acting(302, "staff_a", "head_a", "admin", "security_officer"), member=403, chair=403, contractor=403
        ),
    ),
    # G-4-3-ア: the 管理者 and the 課's staff log the content check; the others are refused.
    "monitoring:content_check": (
        "incident_new",
        "content_check",
        _rule(404, **{**SEES_A_403, **_acting(302, "staff_a", "head_a"), "contractor": 403}),
    ),
    "monitoring:check_now": (
        "incident_new",
        "empty",
        _rule(
            404,
            **_acting(302, "staff_a", "head_a", "admin"),
            member=403,
            chair=403,
            security_officer=403,
            contractor=403,
        ),
    ),
    # Issue 23 (G-4-3-カ, P-7-3): what a status check read on the platform, registered by the account's 課長
    # alone — not the sysadmin, not the 担当職員 (403); another 課 does not see the account (404).
    "monitoring:platform_proposal": (
        "platform_proposal",
        "empty",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a"), "contractor": 403}),
    ),
    # The API tokens of the status checks (issue 13): the sysadmin alone.
    "platforms:credential_register": (None, "credential", _rule(403, admin=Acts(302))),
    "platforms:credential_retire": ("credential", "comment", _rule(403, admin=Acts(302))),
    # Issue 24: a token of the API created (its page shows it once: 200) and revoked, by the sysadmin alone.
    "api:token_create": (None, "api_token", _rule(403, admin=Acts(200))),
    "api:token_revoke": ("api_token", "comment", _rule(403, admin=Acts(302))),
    # Issue 24: a peer added (and read at once: it fails, which is recorded), read now, all read now
    # (the task), removed — the sysadmin alone.
    "accounts:peer_add": (None, "peer", _rule(403, admin=Acts(302))),
    "accounts:peer_fetch": ("peer", "empty", _rule(403, admin=Acts(302))),
    "accounts:peer_fetch_all": (None, "empty", _rule(403, admin=Acts(302))),
    "accounts:peer_remove": ("peer", "empty", _rule(403, admin=Acts(302))),
    # A draft kept with its result (SPEC §6).
    # Another 課's staff: 課A's account is not among the form's choices (the form again, 200).
    "screening:screen": (
        None,
        "screen",
        _rule(403, **_acting(302, "staff_a", "head_a", "admin", "contractor"), staff_b=200, head_b=200),
    ),
    # Read-only JSON: an account the caller may not screen is answered like one that does not exist.
    "screening:api": (None, "screen_api", _rule(400, staff_a=200, head_a=200, admin=200, contractor=200)),
    # Issue 25: a draft sent for 決裁 (another 課 meets the form again: 課A's account is not a choice); decided
    # by the 課長 alone (its author, 課A's 担当職員, may not); the post's URL pasted by whoever posts on the
    # account; the deputy named by the 課長.
    "screening:draft_new": (
        None,
        "post_draft",
        _rule(403, **_acting(302, "staff_a", "head_a", "admin", "contractor"), staff_b=200, head_b=200),
    ),
    "screening:draft_decide": (
        "post_draft",
        "decide_draft",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a")}, contractor=403),
    ),
    "screening:draft_link": (
        "approved_draft",
        "link_draft",
        _rule(404, **{**SEES_A_403, **_acting(302, "staff_a", "head_a", "admin", "contractor")}),
    ),
    "screening:deputy": (
        "archive_account",
        "deputy",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a")}, contractor=403),
    ),
    # Issue 25: 「この投稿に心当たりはありますか」 answered by the account's 管理者 (head_a here), its 課長 or deputy.
    "archive:answer": ("stray_post", "answer_post", _rule(403, head_a=Acts(302))),
    "org:lockout_release": (None, "lockout_release", _rule(403, admin=Acts(302))),
    # Issue 22: an archived post of the incident's account attached as its evidence.
    "archive:incident_posts": (
        "incident",
        "incident_posts",
        _rule(404, **_acting(302, *WORKS_ON_A), member=403, chair=403, contractor=403),
    ),
    # Issue 22, retention: the period (課長, sysadmin); a proposal (課長 or security officer); the decision by
    # the other of the two — the 課長 proposed, so the security officer decides; a post recorded by hand.
    "archive:retention_set": (
        "archive_account",
        "retention",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a", "admin"), "contractor": 403}),
    ),
    "archive:retention_account": (
        "archive_account",
        "proposal",
        _rule(404, **{**SEES_A_403, **_acting(302, "head_a", "security_officer"), "contractor": 403}),
    ),
    "archive:decide": (
        "decision",
        "approve",
        _rule(404, **{**SEES_A_403, **_acting(302, "security_officer"), "contractor": 403}),
    ),
    "archive:record": (
        "line_account",
        "manual_post",
        _rule(404, **{**SEES_A_403, **_acting(302, "staff_a", "head_a")}),
    ),
    # --- issue 22: a handover of 課A's posts as a file, by the city's staff who see them (the file and its
    # audit row); another 課 meets the form again (課A's account is not among its choices) ---
    "archive:export": (
        None,
        "posts_export",
        _rule(200, **_acting(200, *SEES_A), contractor=403),
    ),
    # --- issue 23: a candidate judged (無関係 here: no incident), a warning withdrawn (the security
    # officer's alone), and a resident's report, which anyone sends, signed in or not ---
    "discovery:candidate": ("candidate", "judge", _rule(403, **_acting(302, "security_officer", "pr_officer"))),
    "discovery:withdraw": ("warning", "withdraw", _rule(403, security_officer=Acts(302))),
    "registry:report": (None, "report", _acting(302, *PEOPLE)),
}
# Django admin is for the sysadmin role (org.admin_site); its index stands for all its pages here.
ADMIN_RULE = {**dict.fromkeys(PEOPLE, 302), "admin": 200}


def _url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            # Django admin (its index is checked below); the API's operations (issue 24), which answer
            # 401/403 JSON rather than pages, each exercised by tests/api (every documented operation).
            if p.namespace in ("admin", "api-v1"):
                continue
            ns = p.namespace or namespace
            yield from _url_names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_has_a_rule():
    names = set(_url_names())
    assert names - (set(RULES) | set(POSTS)) == set(), "a view without a permission rule: add it to RULES or POSTS"
    assert (set(RULES) | set(POSTS)) - names == set(), "a rule for a URL that no longer exists"


def _submitted_request(department, head):
    request = approval_services.request_create(actor=head, fields=complete_request_fields(head, handle="komae_new"))
    return approval_services.request_submit(request_id=request.pk, actor=head)


def _post_data(values: dict) -> dict:
    """A form's values as a browser sends them: a record by its key, a ticked box as "on", a date as ISO."""
    data = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def _bodies(account_a, preparing_a, pr_account, draft_request):
    """What each POST sends: the form filled as a person who may act would fill it."""
    account_fields = {name: getattr(account_a, name) for name in EDITABLE_FIELDS}
    request_fields = complete_request_fields(draft_request.manager, handle="komae_draft")
    next_week = timezone.localdate() + timedelta(days=7)
    policy_title = PolicyDraft.objects.get(account=account_a).title
    article = {"heading": "目的", "body": "このアカウントの運用について定める。"}
    return {
        "empty": lambda user: {},
        "login": lambda user: {"username": "staff_a", "password": PASSWORD},
        "password_change": lambda user: {
            "old_password": PASSWORD,
            "new_password1": "matrix-Changed-pass-2026",
            "new_password2": "matrix-Changed-pass-2026",
        },
        "account_register": lambda user: _post_data(
            {
                **account_fields,
                "handle": "komae_mx_new",
                "display_name": "こまえ新規",
                "profile_url": account_a.platform.profile_url_for("komae_mx_new"),
                "registered_email": f"matrix-new@{settings.CITY_EMAIL_DOMAIN}",
                "department": getattr(user, "department", None),
                "manager": user,
                "initial_status": AccountStatus.PREPARING,
            }
        ),
        "account_edit": lambda user: _post_data(
            {
                **account_fields,
                "profile_purpose": "子育ての情報を毎週お届けします。",
                "contractors": list(account_a.contractors.all()),
            }
        ),
        "followers": lambda user: {"recorded_on": "2026-03-31", "count": "1234"},
        "activate": lambda user: {
            "public_fingerprint_seen": account_services.public_fingerprint(preparing_a),
            "comment": "内容を確認しました。",
        },
        "comment": lambda user: {"comment": "確認しました。"},
        "policy_draft": lambda user: {
            "title": f"{policy_title}（第2次案）",
            "articles-TOTAL_FORMS": "1",
            "articles-INITIAL_FORMS": "0",
            "articles-MIN_NUM_FORMS": "0",
            "articles-MAX_NUM_FORMS": "40",
            **{f"articles-0-{part}": text for part, text in article.items()},
        },
        "policy_issue": lambda user: {"issued_on": "2026-06-01", "comment": "連絡先を改めたため。"},
        "request_create": lambda user: _post_data(
            {**complete_request_fields(user, handle="komae_matrix_req"), "manager": user}
        ),
        "request_edit": lambda user: _post_data({**request_fields, "title": "子育てLINEアカウントの開設（改）"}),
        "vote": lambda user: {"choice": "for", "comment": "必要性を認めます。"},
        "request_comment": lambda user: {"body": "配信頻度を教えてください。"},
        "decide": lambda user: {"decision": "approve", "reason": "年度当初からの周知に間に合わせるため。"},
        "review": lambda user: _post_data(complete_review(pr_account, "continue")),
        "plan": lambda user: {"reason": "集約のため", "notice_starts_on": next_week.isoformat()},
        "incident": lambda user: {"kind": "hijack", "title": "身に覚えのないログイン通知"},
        "content_check": lambda user: {"note": "過去1か月の投稿を確認しました。"},
        "api_token": lambda user: {
            "owner": str(account_a.manager_id),
            "name": "集計ツール",
            "scopes": ["registry", "archive"],
            "days": "30",
        },
        # Issue 24: a port on this machine where nothing listens: the fetch fails at once, and says so.
        "peer": lambda user: {"url": "http://127.0.0.1:9/other/registry/accounts.json"},
        "credential": lambda user: {
            "platform": str(account_a.platform_id),
            "kind": "bearer_token",
            "token": "matrix-" + "u" * 40,
            "no_expiry": "on",
        },
        "screen": lambda user: {
            "account": str(account_a.pk),
            "text": "来週の子育てひろばのお知らせです。",
            "consent_confirmed": "on",
            "keep": "1",
        },
        "screen_api": lambda user: {"account": account_a.pk, "text": "来週の子育てひろばのお知らせです。"},
        "lockout_release": lambda user: {"username": "staff_b", "comment": "本人に電話で確認しました。"},
        "incident_posts": lambda user: {"post": [str(Post.objects.get(account=account_a, post_id="matrix-p1").pk)]},
        "retention": lambda user: {"retention": "10", "reason": "文書管理規程の改正により10年とするため。"},
        "proposal": lambda user: {
            "action": "extend",
            "extend_years": "1",
            "scope": "all",
            "reason": "閲覧が多いため。",
        },
        "approve": lambda user: {"decision": "approve", "comment": "確認しました。"},
        "manual_post": lambda user: {
            "text": "今週土曜は休館です。",
            "posted_on": "2026-11-20",
            "posted_time": "9:30",
        },
        "posts_export": lambda user: {"export-account": str(account_a.pk), "export-format": "csv"},
        "judge": lambda user: {"verdict": "unrelated", "note": "市民団体のアカウント"},
        "withdraw": lambda user: {"reason": "他団体の公式と判明"},
        "report": lambda user: {"text": "https://x.com/komae_c1ty_fake", "note": "DMが届いた"},
        "post_draft": lambda user: {
            "account": str(account_a.pk),
            "text": "図書館は今週土曜に開館します。",
            "planned_on": "2026-12-01",
            "planned_time": "9:00",
            "submit": "1",
        },
        "decide_draft": lambda user: {"decision": "approve", "comment": ""},
        "link_draft": lambda user: {"url": "https://x.com/komae_kodomo/status/1234"},
        "answer_post": lambda user: {"answer": "confirm", "reason": "災害対応のため決裁前に投稿"},
        "deputy": lambda user: {"deputy": str(account_a.department.members.get(username="staff_a").pk)},
    }


def _build_world(account_a, preparing_a, contractor, head_a, staff_a, pr_account, admin):
    account_a.contractors.add(contractor)
    policy_services.policy_draft_start(account_id=account_a.pk, actor=head_a)
    version = policy_services.policy_issue(account_id=account_a.pk, actor=head_a, issued_on=date(2026, 4, 1))
    submitted = _submitted_request(account_a.department, head_a)
    review = reviews_services.review_start(account_id=account_a.pk, actor=head_a, fiscal_year=2025)
    reviews_services.review_update(
        review_id=review.pk, actor=head_a, fields=complete_review(pr_account, "consider_suspension")
    )
    reviews_services.review_sign_off(review_id=review.pk, actor=head_a)
    # Not yet announced: its notice starts next week (G-4-5-ウ), so the 課長 may still start it.
    next_week = timezone.localdate() + timedelta(days=7)
    plan = reviews_services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", notice_starts_on=next_week
    )
    incident = monitoring_incidents.incident_open(
        account_id=account_a.pk, actor=head_a, kind="hijack", title="心当たりのない投稿"
    )
    proposal = account_services.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"display_name": "こまえ子ども応援団"}
    ).proposal
    png = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    evidence = monitoring_incidents.evidence_add(incident_id=incident.pk, actor=head_a, upload=png)
    credential = monitoring_credentials.credential_register(
        actor=admin, platform_id=account_a.platform_id, token="matrix-" + "t" * 40, kind="bearer_token", expires_on=None
    )
    peer = account_peers.peer_add(url="http://127.0.0.1:9/registry/accounts.json", actor=admin)
    # What the POSTs act on where the records above no longer allow it: a policy draft that differs
    # from its version, a draft request, a review still in draft, a signed review that asks for a
    # plan, and failed sign-ins to release.
    draft = PolicyDraft.objects.get(account=account_a)
    articles = [{"heading": a["heading"], "body": a["body"]} for a in draft.articles]
    policy_services.policy_draft_update(
        account_id=account_a.pk, actor=head_a, title=f"{draft.title}（改正案）", articles=articles
    )
    draft_request = approval_services.request_create(
        actor=staff_a, fields=complete_request_fields(head_a, handle="komae_draft")
    )
    draft_review = reviews_services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2023)
    plan_review = reviews_services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2024)
    reviews_services.review_update(
        review_id=plan_review.pk, actor=staff_a, fields=complete_review(pr_account, "consider_suspension")
    )
    reviews_services.review_sign_off(review_id=plan_review.pk, actor=head_a)
    # Issue 22: a post of 課A's account kept by the archive, to attach to the incident.
    archived = Post.objects.create(account=account_a, post_id="matrix-p1", text="お知らせ")
    PostVersion.objects.create(post=archived, number=1, text="お知らせ", sha256="0" * 64)
    AccessAttempt.objects.create(
        username="staff_b",
        ip_address="192.0.2.7",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=3,
    )
    # The archive (issue 22): posts of 課A's account past their period, one in a 廃棄 the 課長 proposed; and
    # a LINE account, whose posts are recorded by hand.
    old = [kept_post(account_a, f"matrix-{n}", "古いお知らせ", when(2018, 6, n)) for n in (1, 2, 3)]
    AccountArchive.objects.filter(account=account_a).update(retention=Retention.YEARS_5)  # whatever the city's default
    decision = archive_disposal.disposal_propose(
        account_id=account_a.pk, actor=head_a, action="dispose", reason="保存期間の満了", post_ids=[old[0].pk]
    )
    line = AccountFactory(
        department=account_a.department, manager=head_a, platform=platform("line"), handle="komae_line_mx"
    )
    archived = keep_post(account_a, "matrix-search-1", "防災訓練のお知らせ", at(2026, 9, 1))  # issue 22
    # Issue 23: a lookalike waiting in the queue, and an impersonator on the public warning list.
    candidate = Candidate.objects.create(
        platform=account_a.platform, identity="@komae_kodomo_jp", handle="komae_kodomo_jp", source="search", score=80
    )
    warning = impersonation_confirm(
        platform=account_a.platform,
        handle="komae_k0domo",
        display_name="こまえ子ども",
        profile_url="",
        platform_account_id="",
        imitates=account_a,
        actor=admin,
    )
    # Issue 23: a status check that read 課A's account's permanent ID, proposed to its 課長.
    monitoring_status.status_check_record(
        account_id=account_a.pk,
        state=ProfileState(
            reachable=True,
            display_name=account_a.display_name,
            platform_account_id="1500000000000000099",
            profile_text=f"{account_a.profile_operator} の公式アカウントです。{settings.CITY_HOMEPAGE_URL}",
            handle=account_a.handle,
        ),
    )
    id_proposal = account_a.platform_proposals.get()
    # Issue 25: a draft of 課A's 担当職員 waiting for the 課長, with an image; another one approved.
    waiting = post_drafts.draft_submit(
        account_id=account_a.pk,
        actor=staff_a,
        text="市民まつりを開催します。",
        planned_at=timezone.now(),
        images=[SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)],
    )
    approved = post_drafts.draft_submit(
        account_id=account_a.pk, actor=staff_a, text="本日は休館日です。", planned_at=timezone.now()
    )
    post_drafts.draft_decide(draft_id=approved.pk, actor=head_a, approve=True)
    stray = Post.objects.create(
        account=account_a, post_id="matrix-stray", text="心当たりのない投稿", published_at=timezone.now()
    )
    api_token = api_tokens.token_create(
        actor=admin, owner_id=staff_a.pk, name="matrix", scopes=["registry"], days=30
    ).token  # issue 24
    return {
        "post_draft": {"pk": waiting.pk},
        "draft_image": {"pk": waiting.pk, "image_pk": waiting.images.get().pk},
        "approved_draft": {"pk": approved.pk},
        "stray_post": {"pk": stray.pk},
        "candidate": {"pk": candidate.pk},
        "warning": {"pk": warning.pk},
        "platform_proposal": {"account_pk": account_a.pk, "pk": id_proposal.pk, "action": "confirm"},
        "archived_post": {"pk": archived.pk},
        "archive_account": {"account_pk": account_a.pk},
        "line_account": {"account_pk": line.pk},
        "decision": {"pk": decision.pk},
        "credential": {"pk": credential.pk},
        "api_token": {"pk": api_token.pk},
        "peer": {"pk": peer.pk},
        "incident": {"pk": incident.pk},
        "notice": {"pk": head_a.notices.first().pk},
        "public_change": {"pk": account_a.pk, "change_pk": proposal.pk, "action": "approve"},
        "incident_new": {"account_pk": account_a.pk},
        "check_result": {"account_pk": account_a.pk, "run": "1c4f6a52-8f1e-4d7e-9a0b-3e5d2c1b0a99"},
        "incident_act": {"pk": incident.pk, "action": "escalate"},
        "evidence": {"pk": evidence.pk},
        "review_start": {"account_pk": account_a.pk, "fy": 2026},
        "review": {"pk": review.pk},
        "draft_review": {"pk": draft_review.pk},
        "plan_review": {"pk": plan_review.pk},
        "plan": {"pk": plan.pk},
        "request": {"pk": submitted.pk},
        "draft_request": {"pk": draft_request.pk},
        "account": {"pk": account_a.pk},
        "version": {"pk": account_a.pk, "number": version.number},
        # The transition page that 課A's 課長 may open: 運用開始 of an account in 開設準備.
        "transition": {"pk": preparing_a.pk, "action": "activate"},
        "bodies": _bodies(account_a, preparing_a, pr_account, draft_request),
        # Step 2 of a new request: the 分野 and the SNS chosen (G-4-2-ア); its form posts to that page.
        "queries": {"approvals:create": f"?field=children&platform={account_a.platform_id}"},
    }


# Not a record: who is signed in, and Django's own bookkeeping of the schema.
NOT_STATE = frozenset({"django_session", "django_migrations"})


def _digest() -> list:
    """Every row of every table (the audit trail, auth's and axes' tables too), a checksum per table:
    an insert, an update or a delete anywhere shows. One query on PostgreSQL, a few milliseconds."""
    qn = connection.ops.quote_name
    tables = sorted(set(connection.introspection.table_names()) - NOT_STATE)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {i}, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                    f"FROM {qn(name)} t"
                    for i, name in enumerate(tables)
                )
            )
            return [(tables[i], n, digest) for i, n, digest in sorted(cursor.fetchall())]
        rows = []
        for name in tables:
            cursor.execute(f"SELECT * FROM {qn(name)}")
            rows.append((name, sorted(map(repr, cursor.fetchall()))))
        return rows


def _build_people_and_world() -> tuple[dict, dict]:
    """The named people of tests/conftest.py, made as its fixtures make them, and the world.

    The world is built from the people the old per-test fixture asked for, in its order; the people
    it does not use are added after it, as the test added the one it signed in as.
    """
    bu = BuFactory(code="B01", name="児童青少年部")
    dept_a = DepartmentFactory(code="KA", name="子ども政策課", parent=bu)
    head_a = _user("head_a", dept_a, Role.SECTION_HEAD)
    account_a = AccountFactory(department=dept_a, manager=head_a, handle="komae_kodomo", display_name="こまえ子ども")
    preparing_a = enact_policy(
        AccountFactory(department=dept_a, manager=head_a, handle="komae_junbi", status=AccountStatus.PREPARING),
        head_a,
    )
    contractor = _user("contractor", None, Role.CONTRACTOR)
    staff_a = _user("staff_a", dept_a, Role.STAFF)
    dept_b = DepartmentFactory(code="KB", name="環境政策課", parent=BuFactory(code="B02", name="市民生活部"))
    head_b = _user("head_b", dept_b, Role.SECTION_HEAD)
    pr_account = AccountFactory(department=dept_b, manager=head_b, handle="komae_city", display_name=settings.CITY_NAME)
    admin = _user("admin", dept_b, Role.SYSADMIN)
    world = _build_world(account_a, preparing_a, contractor, head_a, staff_a, pr_account, admin)
    people = {
        "anonymous": None,
        "staff_a": staff_a,
        "head_a": head_a,
        "staff_b": _user("staff_b", dept_b, Role.STAFF),
        "head_b": head_b,
        "contractor": contractor,
        "member": _user("member", dept_b, Role.COMMITTEE),
        "chair": _user("chair", dept_b, Role.COMMITTEE_CHAIR, Role.COMMITTEE),
        "security_officer": _user("security_officer", dept_b, Role.SECURITY_OFFICER),
        "pr_officer": _user("pr_officer", dept_b, Role.PR_OFFICE),
        "admin": admin,
    }
    return people, world


@pytest.fixture(scope="class")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The people and the world, built once per class instead of once per test (it took ~0.1 s, and
    the matrix has 600+ cases), in a transaction that is rolled back when the class is done.

    Each test still starts from exactly this state: pytest-django's `db` runs it in a savepoint inside
    that transaction and rolls the savepoint back afterwards, as Django's TestCase.setUpTestData does.
    The build runs under what the autouse fixtures of tests/conftest.py give a test (fast hashing,
    tasks run in place, media in a temporary folder); `world` copies that media into the test's own.
    Each person is signed in once here too (`sign_in` gives a test that session): force_login in every
    test took a fifth of the matrix's time.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        eager = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media
            ):
                people, world = _build_people_and_world()
                sessions = {}
                for person, user in people.items():
                    if user is not None:
                        signer = Client()
                        signer.force_login(user)
                        sessions[person] = signer.cookies[settings.SESSION_COOKIE_NAME].value
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            app.conf.task_always_eager, app.conf.task_eager_propagates = eager
    try:
        yield {"people": people, "world": world, "media": media, "sessions": sessions}
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_shared_world, db, settings):
    shutil.copytree(_shared_world["media"], settings.MEDIA_ROOT, dirs_exist_ok=True)
    return _shared_world["world"]


@pytest.fixture
def people(_shared_world, db):
    return _shared_world["people"].__getitem__


@pytest.fixture
def sign_in(_shared_world, db, client):
    """Sign `client` in as the named person with the session made with the world (rolled back with the
    test like every row, so a test that signs out or changes its password leaves it to the next)."""

    def sign_in(person: str) -> None:
        if person in _shared_world["sessions"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = _shared_world["sessions"][person]

    return sign_in


GET_CASES = [(name, person) for name in RULES for person in PEOPLE]
POST_CASES = [(name, person) for name in POSTS for person in PEOPLE]


def _sign_in(client, user):
    if user is not None:
        client.force_login(user)


def _answered(response, expected, what: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert response.url.startswith(reverse("login")), what
    else:
        assert response.status_code == expected, f"{what}: {response.status_code}"


class TestEveryRole:
    """The cases share one world per class (`_shared_world`); each runs in its own savepoint."""

    @pytest.mark.parametrize(("url_name", "person"), GET_CASES, ids=[f"{n}-{p}" for n, p in GET_CASES])
    def test_permission_matrix(self, client, world, sign_in, url_name, person):
        kwargs_name, expected_by_person = RULES[url_name]
        sign_in(person)
        response = client.get(reverse(url_name, kwargs=world[kwargs_name] if kwargs_name else None))
        _answered(response, expected_by_person[person], f"GET {person} → {url_name}")

    @pytest.mark.parametrize(("url_name", "person"), POST_CASES, ids=[f"{n}-{p}-post" for n, p in POST_CASES])
    def test_every_post(
        self, client, world, people, sign_in, url_name, person, django_capture_on_commit_callbacks, mailoutbox
    ):
        kwargs_name, body_name, expected_by_person = POSTS[url_name]
        user = people(person)
        sign_in(person)
        url = reverse(url_name, kwargs=world[kwargs_name] if kwargs_name else None)
        url += world["queries"].get(url_name, "")
        body = world["bodies"][body_name](user)
        expected = expected_by_person[person]
        what = f"POST {person} → {url_name}"
        tasks = []

        def ran(sender=None, **kwargs):
            tasks.append(sender.name)

        before = _digest()
        task_prerun.connect(ran, weak=False)
        try:
            with django_capture_on_commit_callbacks() as queued:
                if url_name == "screening:api":
                    response = client.post(url, json.dumps(body), content_type="application/json")
                else:
                    response = client.post(url, body)
        finally:
            task_prerun.disconnect(ran)
        changed = [table for (table, *old), (_, *new) in zip(before, _digest(), strict=True) if old != new]
        effects = {"rows": changed, "queued": len(queued), "tasks": tasks, "mail": len(mailoutbox)}
        if isinstance(expected, Acts):
            _answered(response, expected.status, what)
            assert changed or queued, f"{what}: allowed, yet the body changed nothing — is it still valid?"
        else:
            _answered(response, expected, what)
            # Refused is refused: no record, no audit row, no task, no mail — not even in part.
            assert effects == {"rows": [], "queued": 0, "tasks": [], "mail": 0}, f"{what}: {effects}"

    @pytest.mark.parametrize("person", PEOPLE)
    def test_admin_only_for_the_sysadmin(self, client, world, sign_in, person):
        sign_in(person)
        response = client.get(reverse("admin:index"))
        assert response.status_code == ADMIN_RULE[person]

    def test_a_view_not_in_posts_refuses_a_post(self, client, world, people):
        """A view that takes a POST the matrix does not send fails here: every view answers POST with
        405 unless POSTS declares what it sends and who may send it (a new form cannot be forgotten)."""
        accepting = {}
        for url_name in sorted(set(RULES) - set(POSTS)):
            kwargs_name = RULES[url_name][0]
            for person in ("admin", "anonymous"):
                client.logout()
                _sign_in(client, people(person))
                response = client.post(reverse(url_name, kwargs=world[kwargs_name] if kwargs_name else None))
                if response.status_code != 405 and not (person == "anonymous" and response.status_code == 302):
                    accepting[url_name] = response.status_code
        assert accepting == {}, "these views take a POST: declare it in POSTS"


def test_contractor_sees_only_assigned_accounts(client, contractor, account_a, dept_a, head_a):
    """G-4-1: a contractor (委託業者) sees and works only on the accounts assigned to it."""
    other = AccountFactory(department=dept_a, manager=head_a, status=AccountStatus.ACTIVE)
    account_a.contractors.add(contractor)
    client.force_login(contractor)
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 200
    assert client.get(reverse("accounts:detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("accounts:list")).content.decode()
    assert account_a.display_name in listing
    assert other.display_name not in listing
