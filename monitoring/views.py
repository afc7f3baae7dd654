"""Incidents and their evidence, the content-check log and 今すぐ確認."""

import uuid
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.selectors import accounts_visible_to
from core.audit import timeline_of
from core.errors import TransitionError
from core.pdf import DocumentFontMissing
from core.uploads import size_label

from . import incidents, proposals, reminders
from .evidence_sources import page_sections
from .forms import IncidentForm
from .models import Evidence, Incident, PlatformProposal
from .permissions import (
    can_see_check_interface,
    can_work_on_incident,
    ensure_can_decide_platform_proposal,
    ensure_can_log_content_check,
    ensure_can_request_check,
    ensure_can_work_on_incident,
)
from .status import check_result_message, manual_run_key
from .tasks import check_account

# --- incidents (SPEC §4.5) -------------------------------------------------------------------------


@login_required
@require_safe
def incident_list(request):
    qs = incidents.incidents_visible_to(user=request.user)
    status = request.GET.get("status", "open")
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-opened_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request, "monitoring/incident_list.html", {"incidents": page.object_list, "page": page, "status": status}
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request, account_pk: int):
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incidents.incident_open(account_id=account.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "インシデントを起票しました。手順に沿って対応してください。")
            return redirect("monitoring:incident", pk=incident.pk)
    return render(request, "monitoring/incident_form.html", {"account": account, "form": form})


def _visible_incident(user, pk) -> Incident:
    return get_object_or_404(incidents.incidents_visible_to(user=user), pk=pk)


@login_required
@require_safe
def incident_detail(request, pk: int):
    incident = _visible_incident(request.user, pk)
    can_work = can_work_on_incident(request.user, incident) and incident.status == Incident.Status.OPEN
    return render(
        request,
        "monitoring/incident.html",
        {
            "incident": incident,
            "steps": incident.steps.select_related("done_by"),
            "evidence": incident.evidence.select_related("uploaded_by"),
            **timeline_of(incident),
            "can_work": can_work,
            # G-4-3-カ: the record is printed by those who work on the incident, closed or not.
            "can_print": can_work_on_incident(request.user, incident),
            "evidence_sections": page_sections(request, incident, can_work=can_work),
            "max_upload_bytes": settings.MAX_UPLOAD_BYTES,
            "max_upload_label": size_label(settings.MAX_UPLOAD_BYTES),
        },
    )


@login_required
@require_safe
def incident_pdf(request, pk: int):
    """The incident's evidence as a PDF (G-4-3-カ: 記録を残した上で), for whoever may work on it."""
    incident = _visible_incident(request.user, pk)
    ensure_can_work_on_incident(request.user, incident)
    try:
        pdf = incidents.incident_evidence_pdf(incident=incident, printed_by=request.user)
    except DocumentFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:incident", pk=incident.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"インシデント証拠_{incident.pk}_{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f"inline; filename=\"incident.pdf\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def incident_act(request, pk: int, action: str):
    incident = _visible_incident(request.user, pk)
    ensure_can_work_on_incident(request.user, incident)
    try:
        if action == "step":
            step = incidents.incident_step_done(
                incident_id=incident.pk,
                actor=request.user,
                code=request.POST.get("code", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"「{step.label}」を記録しました。")
        elif action == "escalate":
            incidents.incident_escalate(incident_id=incident.pk, actor=request.user)
            messages.success(request, "報告を記録しました。")
        elif action == "close":
            incidents.incident_close(
                incident_id=incident.pk, actor=request.user, comment=request.POST.get("comment", "")
            )
            messages.success(request, "インシデントを完了しました。")
        elif action == "evidence":
            upload = request.FILES.get("file")
            if getattr(request, "upload_too_large", False):  # core.uploads stopped storing it
                raise TransitionError(incidents.evidence_too_large_message())
            if upload is None:
                raise TransitionError("ファイルを選んでください。")
            incidents.evidence_add(incident_id=incident.pk, actor=request.user, upload=upload)
            messages.success(request, "証拠ファイルを保存しました。")
        else:
            raise Http404
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:incident", pk=incident.pk)


@login_required
@require_safe
def evidence_file(request, pk: int):
    """Serve evidence only to those who see its incident; never rendered inline as HTML."""
    evidence = get_object_or_404(
        Evidence.objects.filter(incident__in=incidents.incidents_visible_to(user=request.user).values("pk")), pk=pk
    )
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"evidence\"; filename*=UTF-8''{quote(evidence.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def check_now(request, account_pk: int):
    """今すぐ確認: a worker checks the account's public profile now (G-4-3-カ)."""
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    ensure_can_request_check(request.user, account)
    run = uuid.uuid4()
    run_key = manual_run_key(run)
    transaction.on_commit(lambda: check_account.delay(account.pk, run_key))
    # The account's page says where the result will be, and shows it once it is recorded: on the next
    # load without JavaScript, as soon as it arrives with it (static/js/check-now.js, issue 15).
    return redirect(f"{reverse('accounts:detail', args=[account.pk])}?check={run}#check-now-status")


@login_required
@require_safe
def check_result(request, account_pk: int, run: uuid.UUID):
    """The result of one 今すぐ確認, as JSON for the account's page: pending until the worker recorded it.

    Whoever sees the account's page sees its status checks, so the same object rule applies."""
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    check = account.status_checks.filter(run_key=manual_run_key(run)).first()
    if check is None:
        data = {"state": "pending"}
    else:
        row = render_to_string(
            "monitoring/_status_check_row.html",
            {"c": check, "show_interface": can_see_check_interface(request.user)},
            request=request,
        ).strip()
        data = {
            "state": "done",
            "outcome": check.outcome,
            "message": check_result_message(check),
            "row": row,
        }
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def content_check(request, account_pk: int):
    """G-4-3-ア: log that the account's posts were checked."""
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    ensure_can_log_content_check(request.user, account)
    try:
        reminders.content_check_log(account_id=account.pk, actor=request.user, note=request.POST.get("note", ""))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "発言内容の確認を記録しました。")
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def platform_proposal(request, account_pk: int, pk: int, action: str):
    """G-4-3-カ, P-7-3: the 課長 registers what a status check read on the platform, or dismisses it."""
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    proposal = get_object_or_404(account.platform_proposals, pk=pk)
    if action not in ("confirm", "dismiss"):
        raise Http404
    ensure_can_decide_platform_proposal(request.user, account)
    what = proposal.get_field_display()
    try:
        decided = proposals.platform_proposal_decide(
            proposal_id=proposal.pk, actor=request.user, confirm=action == "confirm"
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        if decided.status == PlatformProposal.Status.SUPERSEDED:
            messages.warning(request, f"{what}の登録内容が先に変わっていたため、この提案は取り消しました。")
        elif decided.status == PlatformProposal.Status.CONFIRMED:
            messages.success(request, f"{what}を「{decided.value_label}」として登録しました。")
        else:
            messages.success(request, f"{what}の提案を見送りました。同じ値は再び提案しません。")
    return redirect("accounts:detail", pk=account.pk)
