from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "playground.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from playground.accounts.handlers import claim_anonymous_topologies

        user_logged_in.connect(claim_anonymous_topologies, dispatch_uid="archplay-claim-anonymous")
