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
        from bqw.accounts.manage_views import MANAGE_LINKS
        if not any(link["url"] == "/plans/manage/" for link in MANAGE_LINKS):
            MANAGE_LINKS.insert(0, {"url": "/plans/manage/", "title": "计划与任务",
                                    "text": "新建、编辑、归档计划；添加行动与任务，导入任务清单"})
