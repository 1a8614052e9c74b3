from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "bqw.plans"
    label = "plans"
    verbose_name = "计划任务与督办"

    def ready(self) -> None:
        from bqw.core.views import register_card, register_link

        from . import workbench

        register_link({"url": "/plans/", "title": "任务督办", "nav": "任务督办", "order": 40,
                       "text": "工作要点、行动与任务清单，进度报送、红黄蓝灯与督办"})
        for card in (workbench.lead_unit_card, workbench.admin_tasks_card):
            register_card(card)
