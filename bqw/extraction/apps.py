from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "bqw.extraction"
    label = "extraction"
    verbose_name = "政策文本提取"
