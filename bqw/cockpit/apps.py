from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "bqw.cockpit"
    label = "cockpit"
    verbose_name = "驾驶舱"

    def ready(self) -> None:
        from bqw.core.views import HOME_PAGES, MODULE_LINKS

        if not any(link["url"] == "/cockpit/" for link in MODULE_LINKS):
            MODULE_LINKS.append({"url": "/cockpit/", "title": "驾驶舱",
                                 "text": "目标红绿灯、地图、趋势、排名与下钻，直到每个村；大屏模式"})
        from .views import home_for

        if home_for not in HOME_PAGES:
            HOME_PAGES.append(home_for)
