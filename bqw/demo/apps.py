from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bqw.demo"
    label = "demo"
    verbose_name = "江门演示数据"
