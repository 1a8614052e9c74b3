from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "bqw.indicators"
    label = "indicators"
    verbose_name = "指标与目标"

    def ready(self) -> None:
        from bqw.core.views import MODULE_LINKS
        for link in (
            {"url": "/indicators/entry/", "title": "数据填报", "text": "本单位本期应报指标，含校验与退回原因"},
            {"url": "/indicators/review/", "title": "数据审核", "text": "待审核数据，通过或退回"},
            {"url": "/indicators/targets/", "title": "目标进度", "text": "各阶段目标与自动评估状态"},
        ):
            if link not in MODULE_LINKS:
                MODULE_LINKS.append(link)
