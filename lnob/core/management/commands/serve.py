from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app with waitress on 127.0.0.1:8000 (or $PORT)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not run background tasks here")

    def handle(self, *args: Any, host: str, port: int, threads: int, no_worker: bool, **options: Any) -> None:
        from waitress import serve  # type: ignore[import-untyped]

        from lnob.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_worker:
            from lnob.core.tasks import start_worker_thread

            start_worker_thread()  # imports and other batch work run beside the web server
        self.stdout.write(
            self.style.SUCCESS(f"LNOB is serving on http://{host}:{port}/login/  (Ctrl-C stops it)")
        )
        self.stdout.write(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        serve(application, host=host, port=port, threads=threads, ident="lnob")
