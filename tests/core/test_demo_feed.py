"""`lnob demo` writes a month of department alerts for the demo county; the demo's department
officer can import it, and exactly the three people the registry does not know come back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lnob.exchange import services
from lnob.registry.models import Alert
from tests.exchange_import.helpers import messages_for, validated

pytestmark = pytest.mark.django_db


def test_the_demo_feed_imports_with_three_rows_sent_back(settings, tmp_path):
    from django.contrib.auth import get_user_model

    settings.DATA_DIR = str(tmp_path)
    out = io.StringIO()
    call_command("demo", persons=2000, county="530628", stdout=out)
    [feed] = (tmp_path / "demo").glob("alerts_*.csv")
    assert str(feed) in out.getvalue()

    officer = get_user_model().objects.get(username="demo_department_officer")
    batch = validated(officer, (feed.name, feed.read_bytes()), as_of=None)
    errors = messages_for(batch)
    assert [(column, message) for _row, column, message in errors] == [
        ("id_number", "未登记：此身份证号不是本县登记农户的成员")
    ] * 3
    assert batch.summary["tables"]["alerts"]["new"] == 12
    services.import_commit(actor=officer, batch=batch, valid_only=True)
    assert Alert.objects.filter(reference__startswith="DEMO").count() == 12
