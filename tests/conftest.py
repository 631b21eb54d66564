"""Fixtures come from tests/personas.py, where the personas and places are described."""

from typing import Any

import pytest

from tests.personas import county, ensure_world, households, world  # noqa: F401


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the national area tree once per run; tests roll back on top of it."""
    with django_db_blocker.unblock():
        ensure_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path_factory: Any) -> None:
    """Each test keeps its import batches' files in a folder of its own: batch ids restart with
    every test database, and the project's data/ folder is not the tests' business."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()
