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
        from bqw.orgs.people_views import MANAGE_LINKS
        for link in (
            {"url": "/indicators/catalog/", "title": "指标目录", "text": "新建、修改本地区的指标与汇总规则"},
            {"url": "/indicators/rules/", "title": "校验规则", "text": "指标之间的关系，填报时检查，审核时提示"},
            {"url": "/indicators/targets/manage/", "title": "目标管理", "text": "新建、修改、归档目标，Excel 导入"},
        ):
            if link not in MANAGE_LINKS:
                MANAGE_LINKS.append(link)
