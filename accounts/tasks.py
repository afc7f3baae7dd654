"""Issue 24: beat's `fetch-peer-registries`: the peers' lists read hourly (accounts.peers)."""

from celery import shared_task

from .models import PeerRegistry
from .peers import fetch_peers


@shared_task(ignore_result=True)
def fetch_peer_registries() -> dict:
    results = fetch_peers()
    return {outcome: sum(r.outcome == outcome for r in results) for outcome in PeerRegistry.Result.values}
