from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lnob.web"
    verbose_name = "Web"
