from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lnob.core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API bearer token for a user (printed once; only its hash is kept)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        _token, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(raw)
