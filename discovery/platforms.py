"""What each platform's account search can do for discovery, and what the city can do instead (issue 23):
the queue's page and the dashboard say it, with the last pass's result."""

from dataclasses import dataclass

from accounts.models import Platform
from platforms.reads import can_search, search_alternative

from .models import SearchRun

# Where a platform offers no search the city can use, residents' reports are the way in.
DEFAULT_ALTERNATIVE = "住民からの通報（公式アカウント一覧の「なりすましを見つけたら」）で受け付けます。"


@dataclass(frozen=True)
class SearchState:
    platform: Platform
    can_search: bool
    reason: str  # why not, in Japanese ("" when it can)
    alternative: str  # what the city can do instead
    last_run: SearchRun | None


def platform_search_states() -> list[SearchState]:
    platforms = list(Platform.objects.order_by("sort_order", "pk"))
    states = []
    for platform in platforms:
        answer = can_search(platform)
        alternative = search_alternative(platform) or DEFAULT_ALTERNATIVE
        last = SearchRun.objects.filter(platform=platform).order_by("-started_at", "-pk").first()  # about ten platforms
        states.append(SearchState(platform, bool(answer), answer.reason, alternative, last))
    return states
