from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark suite as a Django app only so that `bqw bench` (bench/management/commands) is found; no models."""

    name = "bench"
    verbose_name = "性能基准"
