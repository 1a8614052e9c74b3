from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "bqw.indicators"
    label = "indicators"
    verbose_name = "指标与目标"

    def ready(self) -> None:
        from bqw.core.views import register_card, register_link

        from . import workbench

        register_link({"url": "/indicators/entry/", "title": "数据填报", "nav": "填报", "order": 20,
                       "roles": ("reporter", "reviewer", "admin"), "capture": True,
                       "text": "本单位本期应报指标，含校验与退回原因"})
        register_link({"url": "/indicators/review/", "title": "数据审核", "nav": "审核", "order": 30,
                       "roles": ("reviewer", "admin"), "text": "待审核数据，按单位一次通过或逐项退回"})
        register_link({"url": "/indicators/targets/", "title": "目标进度", "nav": "目标", "order": 10,
                       "text": "各阶段目标与自动评估状态"})
        for card in (workbench.reporter_card, workbench.reviewer_card, workbench.admin_card):
            register_card(card)
