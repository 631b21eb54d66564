"""Browser tests: Debian's chromium (/usr/bin/chromium) driven by Playwright; never a downloaded browser."""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from lnob.core.tasks import work_forever

CHROMIUM = os.environ.get("LNOB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("LNOB_SCREENSHOTS", "/tmp/lnob-screenshots"))

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (the calls are sequential here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make system-deps)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def shot() -> Any:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Batch folders in a fresh directory: batch ids restart with each test database, and a
    folder left by an earlier run under the same id must not show through."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def worker(transactional_db: None, data_dir: Path) -> Iterator[Callable[[], None]]:
    """Start the background worker on demand; stopped, joined and its connection closed before
    the database is flushed."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def run() -> None:
        try:
            work_forever(poll_seconds=0.2, stop=stop)
        finally:
            connections.close_all()

    def start() -> None:
        if not threads:
            threads.append(threading.Thread(target=run, name="lnob-test-worker", daemon=True))
            threads[0].start()

    yield start
    stop.set()
    for t in threads:
        t.join(timeout=15)
    if any(t.is_alive() for t in threads):
        _end_open_transactions()
        pytest.fail("the background worker is stuck in a task; its open transaction was ended")


def _end_open_transactions() -> None:
    """A worker stuck in a task keeps its transaction open, and the flush after the test would
    wait for its locks for ever (PostgreSQL; SQLite gives up after its busy timeout)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            )
