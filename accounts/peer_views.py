"""Issue 24: the sysadmin's page of the peers — the other municipalities' registries this one reads."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.errors import TransitionError

from . import peers
from .models import PeerRegistry
from .permissions import ensure_can_manage_peers
from .tasks import fetch_peer_registries


class PeerForm(forms.Form):
    url = forms.CharField(
        label="一覧のURL",
        max_length=500,
        help_text="他の団体の公開一覧のJSON（例：https://sns.city.example.lg.jp/registry/accounts.json）",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )


def _page(request, form: PeerForm, *, status: int = 200):
    source, _ = peers.configured_peers()
    return render(
        request,
        "accounts/peers.html",
        {
            "form": form,
            "peers": list(PeerRegistry.objects.order_by("-active", "body_code", "url").select_related("added_by")),
            "config_source": PeerRegistry.Source(source).label,
            "city_code": settings.CITY_CODE,
        },
        status=status,
    )


@login_required
@require_safe
def peer_list(request):
    ensure_can_manage_peers(request.user)
    peers.sync_configured()
    return _page(request, PeerForm())


@login_required
@require_POST
def peer_add(request):
    """Add a peer's URL, then read it at once (the hourly job reads it from then on)."""
    ensure_can_manage_peers(request.user)
    form = PeerForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        peer = peers.peer_add(url=form.cleaned_data["url"], actor=request.user)
    except TransitionError as exc:
        form.add_error("url", str(exc))
        return _page(request, form, status=400)
    _fetch_and_tell(request, peer, added=True)
    return redirect("accounts:peers")


def _fetch_and_tell(request, peer: PeerRegistry, *, added: bool = False) -> None:
    (result,) = peers.fetch_peers([peer])
    peer.refresh_from_db()
    what = f"「{peer.name}」の一覧を追加しました。" if added else f"「{peer.name}」の一覧を取得しました。"
    if result.outcome == PeerRegistry.Result.FAILED:
        messages.warning(request, f"{what}取得に失敗しました：{result.error}")
    else:
        counts = f"{peer.account_count}件のアカウント"
        messages.success(request, f"{what}{PeerRegistry.Result(result.outcome).label}（{counts}）。")
    if result.notes:
        messages.warning(request, "当市の公式アカウントを名乗る掲載を無視しました：" + "、".join(result.notes)[:500])


@login_required
@require_POST
def peer_fetch(request, pk: int):
    """今すぐ取得: one peer, now (bounded by PEER_FETCH_TIMEOUT)."""
    ensure_can_manage_peers(request.user)
    peer = get_object_or_404(PeerRegistry, pk=pk, active=True)
    _fetch_and_tell(request, peer)
    return redirect("accounts:peers")


@login_required
@require_POST
def peer_fetch_all(request):
    """すべて今すぐ取得: the hourly job, queued now (a prefecture's hundreds of lists take minutes)."""
    ensure_can_manage_peers(request.user)
    transaction.on_commit(fetch_peer_registries.delay)
    messages.success(request, "すべての一覧の取得を始めました。数分後にこの画面を開き直すと結果が表示されます。")
    return redirect("accounts:peers")


@login_required
@require_POST
def peer_remove(request, pk: int):
    ensure_can_manage_peers(request.user)
    try:
        peer = peers.peer_remove(peer_id=get_object_or_404(PeerRegistry, pk=pk).pk, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"「{peer.name}」の一覧を外しました（これまでの記録は残ります）。")
    return redirect("accounts:peers")
