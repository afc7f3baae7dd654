from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.functional import lazy

# The project's own apps: their names and their models' names are the system's words.
OWN_APPS = (
    "core",
    "org",
    "accounts",
    "platforms",
    "approvals",
    "policies",
    "monitoring",
    "reviews",
    "screening",
    "portal",
)


def _in_city_words(text: str) -> str:
    return settings.CITY.words(text)


in_city_words = lazy(_in_city_words, str)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "共通"

    def ready(self):
        # What the admin calls the apps and the models (運用ポリシー案 …), in the city's words: read
        # when shown, from the profile in force. Migrations read the models' Meta as written
        # (Options.original_attrs), so none of this ever reaches them.
        for config in apps.get_app_configs():
            if config.name not in OWN_APPS:
                continue
            config.verbose_name = in_city_words(str(config.verbose_name))
            for model in config.get_models():
                opts = model._meta
                opts.verbose_name = in_city_words(str(opts.verbose_name))
                opts.verbose_name_plural = in_city_words(str(opts.verbose_name_plural))
