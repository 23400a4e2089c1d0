from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only for its management command, `load_demo`: no models, no URLs."""

    name = "demo"
    verbose_name = "Demo content"
