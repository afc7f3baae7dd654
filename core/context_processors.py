"""What every page and document says of the city, from the city profile (komae_sns/city.py, issue 15)."""

from django.conf import settings


def city_context() -> dict:
    city = settings.CITY
    return {
        "city_name": settings.CITY_NAME,
        "city_kind": city.kind,  # 市, 町, 村 or 区: 「{{ city_kind }}公式ホームページ」
        "guideline_name": city.guideline_name,
        "committee_name": city.committee_name,
        "committee_chair": f"{city.committee_name}{city.committee_chair_title}",
        "committee_chair_title": city.committee_chair_title,
        "committee_member_title": city.committee_member_title,
        "form_number": city.form_number,
        "form_name": city.form_name,
        "form_basis": city.form_basis,
        "policy_name": city.policy_name,  # what the city calls an account's policy document (運用方針)
    }


def city(request):
    # The release is shown to the sysadmin in the footer (base.html), who reports it with a problem.
    return {**city_context(), "app_version": settings.VERSION}
