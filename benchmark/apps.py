from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """Installed only by benchmark.settings: the data builder is not part of the portal."""

    name = "benchmark"
    verbose_name = "Benchmark"
