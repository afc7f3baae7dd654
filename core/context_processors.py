"""What every page and document says of the city, from the city profile (komae_sns/city.py, issue 15)."""

from django.conf import settings


def city_context() -> dict:
    return {"city_name": settings.CITY_NAME, "guideline_name": settings.CITY.guideline_name}


def city(request):
    return city_context()
