from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "bqw.plans"
    label = "plans"
    verbose_name = "计划任务与督办"

    def ready(self) -> None:
        from bqw.core.views import MODULE_LINKS
        if not any(link["url"] == "/plans/" for link in MODULE_LINKS):
            MODULE_LINKS.append({"url": "/plans/", "title": "任务督办",
                                 "text": "工作要点、行动与任务清单，进度报送、红黄蓝灯与督办"})
