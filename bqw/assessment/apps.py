from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "bqw.assessment"
    label = "assessment"
    verbose_name = "考核赛马"

    def ready(self) -> None:
        from bqw.core.views import MODULE_LINKS
        if not any(link["url"] == "/assessment/" for link in MODULE_LINKS):
            MODULE_LINKS.append({"url": "/assessment/", "title": "考核赛马",
                                 "text": "分类考核方案、同类排名与进位退位、位次稳定性、亮晒发布"})
