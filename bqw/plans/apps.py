from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "bqw.plans"
    label = "plans"
    verbose_name = "计划任务与督办"

    def ready(self) -> None:
        from bqw.core.views import register_card, register_link
        from bqw.indicators.hooks import register_return_hook

        from . import workbench
        from .returns import values_returned_notify

        register_return_hook(values_returned_notify)

        register_link({"url": "/plans/", "title": "任务督办", "nav": "任务督办", "order": 40,
                       "text": "工作要点、行动与任务清单，进度报送、红黄蓝灯与督办"})
        register_link({"url": "/plans/inbox/", "title": "消息", "nav": "消息", "order": 45,
                       "text": "到期提醒、督办单、退回等站内通知"})
        register_link({"url": "/plans/deliveries/", "title": "消息投递", "roles": ("admin",), "order": 70,
                       "text": "企业微信、钉钉群机器人与邮件的送达、重试与失败记录"})
        for card in (workbench.lead_unit_card, workbench.admin_tasks_card):
            register_card(card)
        from bqw.orgs.people_views import MANAGE_LINKS
        if not any(link["url"] == "/plans/manage/" for link in MANAGE_LINKS):
            MANAGE_LINKS.insert(0, {"url": "/plans/manage/", "title": "计划与任务",
                                    "text": "新建、编辑、归档计划；添加行动与任务，导入任务清单"})
