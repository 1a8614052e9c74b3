from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "bqw.pairing"
    label = "pairing"
    verbose_name = "结对帮扶"

    def ready(self) -> None:
        from bqw.core.views import MODULE_LINKS
        from bqw.indicators.models import COMPUTED_PREFIXES

        from .coverage import PREFIX

        COMPUTED_PREFIXES.add(PREFIX)  # coverage indicators come from the pairing records, never from a form
        if not any(link["url"] == "/pairing/" for link in MODULE_LINKS):
            MODULE_LINKS.append({"url": "/pairing/", "title": "结对帮扶",
                                 "text": "组团帮扶、县域结对、校地共建、万企兴万村：承诺、到位与覆盖率"})
