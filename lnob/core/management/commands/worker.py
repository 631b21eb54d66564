from typing import Any

from django.core.management.base import BaseCommand

from lnob.core.tasks import work_forever


class Command(BaseCommand):
    help = "Run queued background tasks (imports, …) until stopped. `lnob serve` also runs one."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("worker started; Ctrl-C stops it")
        work_forever()
