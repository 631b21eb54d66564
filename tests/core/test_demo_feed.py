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


def test_the_demo_county_has_monitored_households_and_work_they_can_do(settings, tmp_path):
    """A county user walking the demo finds households already monitored (taken through the
    procedure), vacancies light enough and near enough for people of partial labour capacity,
    and a matching run that gives the monitored households a worker first."""
    from lnob.employment.models import Vacancy
    from lnob.matching.models import LineState, MatchLine, MatchRun
    from lnob.monitoring.models import Case
    from lnob.monitoring.selectors import monitored_case_ids

    settings.DATA_DIR = str(tmp_path)
    call_command("demo", persons=2000, county="530628", stdout=io.StringIO())
    monitored = Case.objects.filter(pk__in=monitored_case_ids(Case.objects.all()))
    assert monitored.count() >= 5
    assert Case.objects.exclude(pk__in=monitored).exclude(state="rejected").exists()  # cases under way
    assert Vacancy.objects.filter(home_based=True, physical="light").exists()
    assert Vacancy.objects.filter(physical="light", location="out_of_province").exists()
    run = MatchRun.objects.get()
    f = run.figures
    assert f["monitored_households_optimal"] >= 0.8 * f["monitored_households"] > 0
    assert f["households_optimal"] >= f["households_greedy"]
    homes = set(monitored.values_list("household_id", flat=True))
    lines = MatchLine.objects.filter(run=run, household_id__in=homes).exclude(vacancy=None, post=None)
    assert lines.filter(state=LineState.REFERRED).exists()  # the demo refers the first households first
