from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "bqw.projects"
    label = "projects"
    verbose_name = "项目、招商与责任落实"

    def ready(self) -> None:
        from bqw.core.views import MODULE_LINKS
        from bqw.plans.supervision import register_pass

        from .supervision import projects_supervise

        register_pass(projects_supervise)
        if not any(link["url"] == "/projects/" for link in MODULE_LINKS):
            MODULE_LINKS.append({"url": "/projects/", "title": "项目库与招商",
                                 "text": "重大项目全生命周期、滞后预警、招商小组、领导挂钩联系与责任书"})
