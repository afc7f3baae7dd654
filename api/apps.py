from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "外部ツール用API"
