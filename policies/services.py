"""運用ポリシー: drafts filled from the template, issued versions (制定・改正), their PDFs (SPEC §3)."""

import hashlib
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import OfficialAccount
from core.audit import audit_record, person_of, summary_of
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent

from . import text
from .diff import compare_articles
from .models import PolicyDraft, PolicyTemplate, PolicyVersion, TemplateRevision
from .permissions import ensure_can_draft_policy, ensure_can_issue_policy

# A policy is a few pages (the 見本 has 10 articles of a few hundred characters each); the limits leave
# ample room and keep every page and comparison of it fast (trust-boundaries §5).
MAX_ARTICLES = 40
MAX_ARTICLE_CHARS = 2000
MAX_HEADING_CHARS = 50
MAX_TITLE_CHARS = 200


def template_for(platform) -> PolicyTemplate:
    """Return the platform's own template, or the default one (the 見本)."""
    template = PolicyTemplate.objects.filter(platform=platform).first()
    if template is None:
        template = PolicyTemplate.objects.filter(platform__isnull=True).order_by("pk").first()
    if template is None:
        raise TransitionError(
            settings.CITY.named("運用ポリシーのテンプレートがありません。システム管理者に登録を依頼してください。")
        )
    return template


def policy_values(account: OfficialAccount, template: PolicyTemplate) -> dict:
    """Return the placeholder values of the template for `account`."""
    department = account.department
    manager_title = f"{department.full_name}長"
    values = {
        "市名": settings.CITY_NAME,
        "名称": f"{settings.CITY_NAME}{department.name}{account.platform.name}",
        "課名": department.name,
        "部課名": department.full_name,
        "管理者": manager_title,
        "サービス名": account.platform.name,
        "運営会社": account.platform.operator or account.platform.name,
        "ユーザー名": account.handle,
        "登録メールアドレス": account.registered_email,
    }
    # 第２条(1): the platform's own definition (G-2: platforms are data); the template's is the fallback.
    values["サービスの説明"] = text.fill(account.platform.service_definition or template.service_description, values)
    # P-5/P-6: the item lines of the city's template (the city profile's policy file).
    content_items, restriction_items = settings.CITY.policy.content_items, settings.CITY.policy.restriction_items
    categories = [content_items[c] for c in account.content_categories if c in content_items]
    notes = [line.strip() for line in account.content_notes.splitlines() if line.strip()]
    values["発信する内容"] = [text.fill(item, values) for item in categories + notes]
    restrictions = [item for flag, item in restriction_items.items() if getattr(account, flag)]
    values["制限事項"] = [text.fill(item, values) for item in restrictions] or ["特になし"]
    return values


def _template_articles(template: PolicyTemplate) -> list[dict]:
    return [{"number": a.number, "heading": a.heading, "body": a.body} for a in template.articles.all()]


def _filled_draft(account: OfficialAccount, template: PolicyTemplate) -> dict:
    values = policy_values(account, template)
    return {
        "title": text.fill(template.title, values),
        "articles": [
            {"number": a["number"], "heading": a["heading"], "body": text.fill(a["body"], values)}
            for a in _template_articles(template)
        ],
        "template": template,
        "template_revision": template.revision,
    }


@transaction.atomic
def policy_draft_start(*, account_id: int, actor, reset: bool = False) -> PolicyDraft:
    """Fill a draft from the template and the account (or refill it, with reset=True)."""
    account = OfficialAccount.objects.select_for_update().select_related("platform", "department").get(pk=account_id)
    ensure_can_draft_policy(actor, account)
    return _fill_draft(account, actor, reset=reset)


def _fill_draft(account: OfficialAccount, actor, *, reset: bool) -> PolicyDraft:
    draft = PolicyDraft.objects.filter(account=account).first()
    if draft is not None and not reset:
        return draft
    fields = _filled_draft(account, template_for(account.platform))
    draft, _ = PolicyDraft.objects.update_or_create(account=account, defaults={**fields, "updated_by": actor})
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.POLICY_DRAFTED,
        summary=settings.CITY.named(
            "運用ポリシー案をテンプレートから作成" if not reset else "運用ポリシー案をテンプレートから作り直し"
        ),
    )
    return draft


@transaction.atomic
def policy_draft_update(*, account_id: int, actor, title: str, articles: list[dict]) -> PolicyDraft:
    """Save the 課's edits of the draft (headings and bodies); numbering follows the order given."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    ensure_can_draft_policy(actor, account)
    draft = PolicyDraft.objects.filter(account=account).first()
    if draft is None:
        raise TransitionError(settings.CITY.named("運用ポリシー案がありません。先に案を作成してください。"))
    cleaned = [
        {"number": n, "heading": a["heading"].strip(), "body": a["body"].strip()}
        for n, a in enumerate((a for a in articles if a["heading"].strip() or a["body"].strip()), start=1)
    ]
    if not title.strip() or not cleaned:
        raise TransitionError("表題と少なくとも1つの条が必要です。")
    if len(title.strip()) > MAX_TITLE_CHARS:
        raise TransitionError(f"表題は{MAX_TITLE_CHARS}字以内にしてください。")
    if len(cleaned) > MAX_ARTICLES:
        raise TransitionError(f"条は{MAX_ARTICLES}条までです（{len(cleaned)}条あります）。")
    for article in cleaned:
        if not article["heading"] or not article["body"]:
            raise TransitionError(f"第{article['number']}条の見出しと本文を入力してください。")
        if len(article["heading"]) > MAX_HEADING_CHARS:
            raise TransitionError(f"第{article['number']}条の見出しは{MAX_HEADING_CHARS}字以内にしてください。")
        if len(article["body"]) > MAX_ARTICLE_CHARS:
            raise TransitionError(
                f"第{article['number']}条の本文は{MAX_ARTICLE_CHARS:,}字以内にしてください"
                f"（{len(article['body']):,}字あります）。"
            )
    changes = _draft_changes(draft, title.strip(), cleaned)
    if not changes:
        return draft
    draft.title, draft.articles, draft.updated_by = title.strip(), cleaned, actor
    draft.save()
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.POLICY_EDITED,
        summary=settings.CITY.named(summary_of("運用ポリシー案を編集", changes)),
    )
    return draft


def _draft_changes(draft: PolicyDraft, title: str, articles: list[dict]) -> list[str]:
    """What an edit of the draft changes, as the audit trail names it: 表題, 第３条, 第１１条（新設）…"""
    changes = ["表題"] if title != draft.title else []
    before = {a["number"]: a for a in draft.articles}
    after = {a["number"]: a for a in articles}
    for number in sorted(before.keys() | after.keys()):
        if number not in before:
            changes.append(f"第{number}条（新設）")
        elif number not in after:
            changes.append(f"第{number}条（削除）")
        elif before[number] != after[number]:
            changes.append(f"第{number}条")
    return changes


def structured_articles(articles: list[dict]) -> list[dict]:
    """Turn draft articles (plain-text bodies) into the printed structure of paragraphs and items."""
    return [
        {
            "number": a["number"],
            "heading": a["heading"],
            "paragraphs": [{"text": p.text, "items": p.items} for p in text.parse_body(a["body"])],
        }
        for a in articles
    ]


@transaction.atomic
def policy_issue(*, account_id: int, actor, issued_on: date, comment: str = "") -> PolicyVersion:
    """Fix the draft as the next version: 制定 (version 1) or 改正. Its PDF is rendered after commit."""
    account = OfficialAccount.objects.select_for_update().select_related("department").get(pk=account_id)
    ensure_can_issue_policy(actor, account)
    return _issue(account, actor, issued_on=issued_on, comment=comment)


def policy_enact_approved(*, account: OfficialAccount, actor, issued_on: date, comment: str) -> PolicyVersion:
    """Enact version 1 of a newly approved account inside the approval's transaction (SPEC §4.1):
    the committee's decision is the authority here, not the 課長's role."""
    _fill_draft(account, actor, reset=True)
    return _issue(account, actor, issued_on=issued_on, comment=comment)


def _issue(account: OfficialAccount, actor, *, issued_on: date, comment: str) -> PolicyVersion:
    draft = PolicyDraft.objects.filter(account=account).select_related("template").first()
    if draft is None:
        raise TransitionError(settings.CITY.named("運用ポリシー案がありません。先に案を作成してください。"))
    leftovers = sorted({name for a in draft.articles for name in text.unfilled(a["body"])})
    if leftovers:
        raise TransitionError("差込項目が残っています：" + "、".join("{" + n + "}" for n in leftovers))
    previous = account.policy_versions.order_by("-number").first()
    if previous is not None and issued_on < previous.issued_on:
        raise TransitionError(f"改正日は前の版の日付（{to_wareki(previous.issued_on)}）以降にしてください。")
    articles = structured_articles(draft.articles)
    if previous is not None and previous.articles == articles and previous.title == draft.title:
        raise TransitionError("前の版から変更がありません。案を修正してから改正してください。")
    kind = PolicyVersion.Kind.ENACT if previous is None else PolicyVersion.Kind.AMEND
    version = PolicyVersion.objects.create(
        account=account,
        comparison=compare_articles(previous.articles, articles) if previous else [],
        number=1 if previous is None else previous.number + 1,
        kind=kind,
        title=draft.title,
        articles=articles,
        issued_on=issued_on,
        history=[*(previous.history if previous else []), [kind, issued_on.isoformat()]],
        template_revision=f"{draft.template.name} 第{draft.template_revision}版",
        issued_by=actor,
        comment=comment,
    )
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.POLICY_ISSUED,
        summary=settings.CITY.named(
            f"運用ポリシー第{version.number}版を{version.get_kind_display()}（{to_wareki(issued_on)}）"
        ),
        comment=comment,
    )
    # Slow work after commit, never inside the lock (STYLE: state transitions).
    transaction.on_commit(lambda: policy_version_render(version_id=version.pk), robust=True)
    return version


def policy_preview(account: OfficialAccount) -> dict:
    """The policy as it would be printed for `account` (which may be unsaved: a request's draft)."""
    fields = _filled_draft(account, template_for(account.platform))
    return document_context(
        title=fields["title"],
        articles=structured_articles(fields["articles"]),
        history=[],
        draft=True,
    )


def document_context(*, title: str, articles: list[dict], history: list, draft: bool) -> dict:
    """Return what policies/pdf/policy.html needs: 全角 numbers and 和暦 dates (SPEC §3)."""
    kinds = dict(PolicyVersion.Kind.choices)
    return {
        "title": title,
        "draft": draft,
        "history": [f"{to_wareki(date.fromisoformat(on), zenkaku=True)}{kinds[kind]}" for kind, on in history],
        "articles": [
            {
                "number": text.zenkaku_number(a["number"]),
                "heading": a["heading"],
                "paragraphs": [
                    {
                        "number": text.zenkaku_number(i),
                        "text": p["text"],
                        "items": [(text.zenkaku_number(j), item) for j, item in enumerate(p["items"], start=1)],
                    }
                    for i, p in enumerate(a["paragraphs"], start=1)
                ],
            }
            for a in articles
        ],
    }


def policy_version_render(*, version_id: int) -> PolicyVersion:
    """Render an issued version's PDF once and store it with its SHA-256; later calls reuse it."""
    from core.pdf import render_pdf

    version = PolicyVersion.objects.get(pk=version_id)
    if version.pdf:
        return version
    pdf = render_pdf(
        "policies/pdf/policy.html",
        document_context(title=version.title, articles=version.articles, history=version.history, draft=False),
    )
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"policies/{version.account_id}/v{version.number}-{digest[:12]}.pdf", ContentFile(pdf))
    claimed = PolicyVersion.objects.filter(pk=version.pk, pdf="").update(pdf=name, pdf_sha256=digest)
    if not claimed:  # another process stored it first: keep theirs
        default_storage.delete(name)
    return PolicyVersion.objects.get(pk=version_id)


def draft_pdf(draft: PolicyDraft) -> bytes:
    """Render the draft with the 「案」 watermark (not stored: a draft changes)."""
    from core.pdf import render_pdf

    history = [[PolicyVersion.Kind.ENACT, timezone.localdate().isoformat()]]
    last = draft.account.policy_versions.order_by("-number").first()
    if last is not None:
        history = [*last.history, [PolicyVersion.Kind.AMEND, timezone.localdate().isoformat()]]
    return render_pdf(
        "policies/pdf/policy.html",
        document_context(title=draft.title, articles=structured_articles(draft.articles), history=history, draft=True),
    )


# --- article-by-article differences between two versions ------------------------------------------


def version_comparison(version: PolicyVersion) -> list[dict] | None:
    """The comparison with the previous version, as stored when the version was issued.

    A version issued before comparisons were stored gets it computed once here and kept (a fixed
    version takes it once, like its PDF). None for the first version: nothing to compare with.
    """
    if version.comparison is not None:
        return version.comparison or None
    previous = version.account.policy_versions.filter(number__lt=version.number).order_by("-number").first()
    comparison = compare_articles(previous.articles, version.articles) if previous else []
    PolicyVersion.objects.filter(pk=version.pk, comparison__isnull=True).update(comparison=comparison)
    version.comparison = comparison
    return comparison or None


# --- templates ------------------------------------------------------------------------------------


@transaction.atomic
def template_record_revision(*, template_id: int, actor) -> PolicyTemplate:
    """After an edit in the admin: bump the template's revision and keep a snapshot of its articles."""
    template = PolicyTemplate.objects.select_for_update().get(pk=template_id)
    latest = template.revisions.order_by("-revision").first()
    articles = _template_articles(template)
    if latest is not None and (latest.articles, latest.title, latest.service_description) == (
        articles,
        template.title,
        template.service_description,
    ):
        return template
    if latest is not None:
        template.revision = latest.revision + 1
        PolicyTemplate.objects.filter(pk=template.pk).update(revision=template.revision)
    TemplateRevision.objects.create(
        template=template,
        revision=template.revision,
        title=template.title,
        service_description=template.service_description,
        articles=articles,
        saved_by=person_of(actor),  # none when the server's command saved it from the profile
    )
    return template


@transaction.atomic
def template_copy(*, template_id: int, actor) -> PolicyTemplate:
    """Copy a template (e.g. the 見本) as the start of another platform's wording: data, not code."""
    source = PolicyTemplate.objects.get(pk=template_id)
    copy = PolicyTemplate.objects.create(
        platform=None,
        name=f"{source.name}のコピー（{timezone.localtime():%Y%m%d%H%M%S}）",
        title=source.title,
        service_description=source.service_description,
    )
    for article in source.articles.all():
        copy.articles.create(number=article.number, heading=article.heading, body=article.body)
    return template_record_revision(template_id=copy.pk, actor=actor)


@transaction.atomic
def template_from_profile(*, actor, revise: bool = False) -> str:
    """The city profile's 運用ポリシー template (issue 15) in the database, never overwriting an edit.

    With no default template yet, the profile's becomes it. If the default one reads otherwise — the
    city edited it on the screen, or the database was set up under another profile — it is left as it
    is unless `revise` is given: then the profile's text becomes its next revision (audited), and the
    policies already issued keep their own text. Returns what was done, for the operator."""
    policy = settings.CITY.policy
    articles = [{"number": n, "heading": h, "body": b} for n, h, b in policy.articles]
    template = PolicyTemplate.objects.select_for_update().filter(platform__isnull=True).order_by("pk").first()
    if template is None:
        template = PolicyTemplate.objects.create(
            platform=None, name=policy.name, title=policy.title, service_description=policy.service_description
        )
        for article in articles:
            template.articles.create(**article)
        template_record_revision(template_id=template.pk, actor=actor)
        audit_record(
            target=template,
            actor=actor,
            action=AuditEvent.Action.FROM_PROFILE,
            summary=f"{template.name}をプロファイルから登録",
        )
        return settings.CITY.named(
            f"運用ポリシーの既定のテンプレート「{template.name}」をプロファイルから登録しました。"
        )
    same = (template.title, template.service_description, _template_articles(template)) == (
        policy.title,
        policy.service_description,
        articles,
    )
    if same:
        return settings.CITY.named(f"運用ポリシーの既定のテンプレート「{template.name}」はプロファイルと同じです。")
    if not revise:
        return settings.CITY.named(
            f"運用ポリシーの既定のテンプレート「{template.name}」はプロファイルの文面と異なります（画面で編集されたか、"
            "別のプロファイルで作られたデータベースです）。変更していません。プロファイルの文面を新しい版にするには "
            "--policy-template を付けてください。"
        )
    template.title, template.service_description = policy.title, policy.service_description
    template.save(update_fields=["title", "service_description", "updated_at"])
    template.articles.all().delete()
    for article in articles:
        template.articles.create(**article)
    template = template_record_revision(template_id=template.pk, actor=actor)
    audit_record(
        target=template,
        actor=actor,
        action=AuditEvent.Action.FROM_PROFILE,
        summary=f"{template.name}をプロファイルの文面に改版（第{template.revision}版）",
    )
    return settings.CITY.named(
        f"運用ポリシーの既定のテンプレート「{template.name}」をプロファイルの文面で第{template.revision}版にしました。"
    )
