"""Picking an incident's evidence from the archive (issue 22, G-4-3-カ): the account's posts, newest
first, filtered by a word; those ticked are attached to the incident."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from core.errors import TransitionError
from monitoring.incidents import incidents_visible_to
from monitoring.models import Incident
from monitoring.permissions import ensure_can_work_on_incident

from .evidence import MAX_WORDS, posts_attach, posts_to_pick
from .models import PostEvidence

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def incident_posts(request, pk: int):
    """Whoever may work on the incident picks posts of its account; an incident not seen is 404."""
    incident = get_object_or_404(incidents_visible_to(user=request.user), pk=pk)
    ensure_can_work_on_incident(request.user, incident)
    if incident.status == Incident.Status.CLOSED:
        messages.error(request, "完了したインシデントは変更できません。")
        return redirect("monitoring:incident", pk=incident.pk)
    words = request.GET.get("q", "").replace("\x00", "")[:MAX_WORDS]
    if request.method == "POST":
        try:
            ids = [int(value) for value in request.POST.getlist("post")]
        except ValueError:
            ids = None
        try:
            if ids is None:
                raise TransitionError("選んだ投稿が見つかりません。")
            added = posts_attach(incident_id=incident.pk, actor=request.user, post_ids=ids)
        except TransitionError as exc:
            messages.error(request, str(exc))
            query = f"?{urlencode({'q': words})}" if words else ""
            return redirect(reverse("archive:incident_posts", args=[incident.pk]) + query)
        if added:
            messages.success(request, f"保存した投稿{added}件を証拠に追加しました。")
        else:
            messages.info(request, "選んだ投稿は既に証拠に追加されています。")
        return redirect("monitoring:incident", pk=incident.pk)
    page = Paginator(posts_to_pick(incident=incident, words=words), PAGE_SIZE).get_page(request.GET.get("page"))
    attached = set(
        PostEvidence.objects.filter(incident=incident, post__in=[p.pk for p in page.object_list]).values_list(
            "post_id", flat=True
        )
    )
    return render(
        request,
        "archive/incident_posts.html",
        {"incident": incident, "posts": page.object_list, "page": page, "words": words, "attached": attached},
    )
