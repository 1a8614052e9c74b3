from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "bqw.extraction"
    label = "extraction"
    verbose_name = "政策文本提取"

    def ready(self) -> None:
        from bqw.core.views import register_link

        register_link({"url": "/extraction/", "title": "政策文本提取", "nav": "文本提取", "order": 50,
                       "text": "粘贴或上传政策文件，自动提取量化目标和工作任务，逐条审核后采纳"})
