"""Screens of the 課 and the committee for official accounts. Thin: permission → form → service."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.audit import timeline_of
from core.errors import TransitionError
from core.forms import show_refusal

from . import services
from .forms import (
    AccountForm,
    ActivateForm,
    AnnounceSuspensionForm,
    FollowerForm,
    PublicChangeDecisionForm,
    RegisterAccountForm,
    SearchForm,
    TransitionForm,
)
from .models import PublicChange
from .permissions import (
    can_decide_public_change,
    can_edit_account,
    can_record_followers,
    can_register_accounts,
    can_register_for_any_section,
    can_vouch_official,
    ensure_can_edit_account,
    ensure_can_record_followers,
    ensure_can_register_accounts,
    ensure_can_transition,
)
from .selectors import (
    account_search,
    accounts_visible_to,
)

PAGE_SIZE = 50


def _visible_account(user, pk: int):
    """Return the account or 404: another 課's record does not even exist for this user."""
    return get_object_or_404(accounts_visible_to(user=user), pk=pk)


@login_required
@require_safe
def account_list(request):
    form = SearchForm(request.GET or None)
    qs = accounts_visible_to(user=request.user)
    filters = []
    if form.is_valid():
        qs = account_search(qs, **form.cleaned_data)
        filters = form.filter_labels()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/account_list.html",
        {
            "form": form,
            # Each filtered list has a title of its own (2.4.2): 「公式アカウント：運用停止・X」.
            "filter_label": "・".join(filters),
            "page": page,
            "accounts": page.object_list,
            "can_register": can_register_accounts(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    user = request.user
    ensure_can_register_accounts(user)
    chooses = can_register_for_any_section(user)
    form = RegisterAccountForm(
        request.POST or None,
        department=user.department,
        can_choose_department=chooses,
        may_activate=can_vouch_official(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_register(
                actor=user,
                department=form.cleaned_data["department"] if chooses else user.department,
                fields=form.service_fields(),
                contractors=form.cleaned_data["contractors"],
                initial_status=form.cleaned_data["initial_status"],
            )
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"「{account.display_name}」を登録しました。")
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@login_required
@require_safe
def account_detail(request, pk: int):
    return _detail_page(request, _visible_account(request.user, pk))


def _detail_page(request, account, *, follower_form=None):
    """The account's page; a refused follower count comes back in its form as typed."""
    user = request.user
    pending = account.public_changes.filter(status=PublicChange.Status.PENDING).select_related("proposed_by").first()
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "contractors": account.contractors.all(),
            "snapshots": account.follower_snapshots.select_related("recorded_by")[:24],
            **timeline_of(account, also=account.public_changes.all()),  # P-7: its four-eyes changes too
            "transitions": services.transitions_available(user=user, account=account),
            # G-4-5-ウ: 運用停止 is offered from the day after the notice period, said on its button.
            "suspend_not_before": services.suspend_not_before(user=user, account=account),
            "can_edit": can_edit_account(user, account),
            "pending_change": pending,
            "can_decide_change": pending is not None and can_decide_public_change(user, pending, account),
            # SPEC §1: another 課's successor is not theirs to open; its public page on the SNS is.
            "successor_visible": account.successor_id is not None
            and accounts_visible_to(user=user).filter(pk=account.successor_id).exists(),
            "follower_form": (
                FollowerForm(follower_word=account.platform.follower_word) if follower_form is None else follower_form
            )
            if can_record_followers(user, account)
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk: int):
    account = _visible_account(request.user, pk)
    ensure_can_edit_account(request.user, account)
    form = AccountForm(
        request.POST or None,
        instance=account,
        department=account.department,
        initial={"contractors": account.contractors.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.account_update(
                account_id=account.pk,
                actor=request.user,
                fields=form.service_fields(),
                contractors=list(form.cleaned_data["contractors"]),
            )
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            if result.proposal is not None:
                labels = "、".join(label for label, _, _ in result.proposal.rows())
                done = "その他の項目は更新しました。" if result.changed else ""
                messages.success(
                    request,
                    f"公開一覧に載る項目（{labels}）の変更を課長に申請しました。"
                    + settings.CITY.words("承認されるまで市民には今の内容が表示されます。")
                    + done,
                )
            elif result.changed:
                messages.success(request, "登録内容を更新しました。")
            else:
                messages.info(request, "変更はありませんでした。")
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {
            "form": form,
            "account": account,
            "pending_change": account.public_changes.filter(status=PublicChange.Status.PENDING).first(),
            "needs_approval": services.public_change_needs_approval(user=request.user, account=account),
        },
    )


@login_required
@require_POST
def public_change_act(request, pk: int, change_pk: int, action: str):
    """The 課長 approves or rejects a change of what the public sees; its proposer may withdraw it."""
    account = _visible_account(request.user, pk)
    change = get_object_or_404(account.public_changes, pk=change_pk)
    form = PublicChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "コメントは500字以内にしてください。承認・却下はまだ行っていません。")
        return redirect("accounts:detail", pk=account.pk)
    comment = form.cleaned_data["comment"]
    try:
        if action == "withdraw":
            services.public_change_withdraw(change_id=change.pk, actor=request.user)
            messages.success(request, "公開情報の変更の申請を取り下げました。")
        elif action in ("approve", "reject"):
            services.public_change_decide(
                change_id=change.pk, actor=request.user, approve=action == "approve", comment=comment
            )
            if action == "approve":
                messages.success(request, "公開情報の変更を承認しました。公開一覧に反映されています。")
            else:
                messages.success(request, "公開情報の変更を却下しました。")
        else:
            raise Http404
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def account_record_followers(request, pk: int):
    account = _visible_account(request.user, pk)
    ensure_can_record_followers(request.user, account)
    form = FollowerForm(request.POST, follower_word=account.platform.follower_word)
    if form.is_valid():
        try:
            services.account_record_followers(account_id=account.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{account.platform.follower_word}数を記録しました。")
            return redirect("accounts:detail", pk=account.pk)
    # The page again with the date and the count as typed, each problem beside its field.
    return _detail_page(request, account, follower_form=form)


TRANSITION_SERVICES = {
    "activate": services.account_activate,
    "announce_suspension": services.account_announce_suspension,
    "withdraw_notice": services.account_withdraw_notice,
    "suspend": services.account_suspend,
    "close": services.account_close,
}


@login_required
@require_http_methods(["GET", "POST"])
def account_transition(request, pk: int, action: str):
    if action not in TRANSITION_SERVICES:
        raise Http404
    account = _visible_account(request.user, pk)
    transition = services.TRANSITIONS[action]
    ensure_can_transition(request.user, account, label=transition.label, sysadmin_only=transition.sysadmin_only)
    if request.method == "GET" and account.status not in transition.sources:
        # A stale link: say why instead of showing a form that is bound to fail.
        messages.error(request, f"「{transition.label}」は現在行えません（状態：{account.get_status_display()}）。")
        return redirect("accounts:detail", pk=account.pk)
    form_class = {"announce_suspension": AnnounceSuspensionForm, "activate": ActivateForm}.get(action, TransitionForm)
    extra = {"account": account} if form_class is AnnounceSuspensionForm else {}
    if form_class is ActivateForm:
        extra = {"initial": {"public_fingerprint_seen": services.public_fingerprint(account)}}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "successor" in data:
            data["successor_id"] = data.pop("successor").pk
        try:
            TRANSITION_SERVICES[action](account_id=account.pk, actor=request.user, **data)
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"「{transition.label}」を行いました。")
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/account_transition.html",
        {
            "form": form,
            "account": account,
            "transition": transition,
            # What becomes official with 運用開始: the 課長 confirms it (P-7).
            "public_values": services.public_values(account) if action == "activate" else None,
            # G-4-5-イ/ウ: the impact of stopping and the notice it suggests, before the 課長 decides.
            "notice_minimum": services.notice_minimum(account) if action == "announce_suspension" else None,
            # G-4-5-ウ: from which day 運用停止 is possible, said before the button is pressed.
            "today": timezone.localdate(),
            "suspend_from": account.notice_ends_on + timedelta(days=1)
            if action == "suspend" and account.notice_ends_on
            else None,
        },
    )
