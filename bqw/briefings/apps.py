from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "bqw.briefings"
    label = "briefings"
    verbose_name = "通报"

    def ready(self) -> None:
        from bqw.core.views import register_link

        register_link({"url": "/briefings/", "title": "工作通报", "order": 60,
                       "text": "按地区和月份/季度生成通报（Word 公文格式与 Excel），编号、留存与撤销"})
