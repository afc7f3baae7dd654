"""Bring what the city profile defines into the database (issue 15): its SNS and its 運用ポリシー
template. Idempotent, and it never overwrites what the city has edited on the screen."""

from accounts.services import platforms_from_profile
from policies.services import template_from_profile


def apply_profile(*, actor, revise_policy_template: bool = False) -> list[str]:
    """Return, line by line, what was added and what was left as it is."""
    return [*platforms_from_profile(actor=actor), template_from_profile(actor=actor, revise=revise_policy_template)]
