from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lnob.exchange"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        from . import services  # noqa: F401  registers the import tasks
