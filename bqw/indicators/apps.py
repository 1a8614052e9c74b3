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
        from bqw.accounts.manage_views import MANAGE_LINKS
        for link in (
            {"url": "/indicators/catalog/", "title": "指标目录", "text": "新建、修改本地区的指标与汇总规则"},
            {"url": "/indicators/rules/", "title": "校验规则", "text": "指标之间的关系，填报时检查，审核时提示"},
            {"url": "/indicators/targets/manage/", "title": "目标管理", "text": "新建、修改、归档目标，Excel 导入"},
        ):
            if link not in MANAGE_LINKS:
                MANAGE_LINKS.append(link)
