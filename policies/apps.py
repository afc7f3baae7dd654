from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "運用ポリシー"

    def ready(self):
        from django.conf import settings

        from accounts.page import Action, add_action

        # The account page's button to its policy, named as the city names the document ([policy] name).
        add_action(Action("policy", lambda: settings.CITY.policy_name, "policies:overview", order=100))
