"""Sweeps end to end on the database: households of two counties (镇雄, 万州) found at risk by the
seeded rules, the figures kept as evidence, one open lead per household, what-if runs, rules as
data refused when wrong, and every read scoped to the user's areas."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, NotFound
from lnob.monitoring import selectors, services
from lnob.monitoring.models import Lead, PolicyVersion, Rule, Signal, Sweep, SweepHit
from lnob.monitoring.sweeps import schedule_due, sweep_create, sweep_run
from tests.personas import WZ, ZX, ZX_V1

AS_OF = dt.date(2026, 6, 30)


def _run(actor, code=ZX, as_of=AS_OF, **kw):
    sweep = sweep_create(actor=actor, county_code=code, as_of=as_of, trigger="command", enqueue=False, **kw)
    return sweep_run(sweep)


def _hits(sweep, baseline=False):
    return sorted(
        SweepHit.objects.filter(sweep=sweep, baseline=baseline).values_list("household__number", "rule_code")
    )


def test_a_sweep_finds_the_households_at_risk_and_keeps_the_figures(world, county):
    sweep = _run(world.zx_admin)
    assert sweep.status == Sweep.Status.DONE, sweep.error
    assert _hits(sweep) == [("5306271022010101", "income_unstable"), ("5306271022020102", "rigid_spending")]
    assert sweep.counts["households"] == 3 and sweep.counts["flagged"] == 2
    assert sweep.counts["by_rule"] == {"income_unstable": 1, "rigid_spending": 1}
    # the rule that needs a value Yunnan does not set is reported, not silently skipped
    assert sorted(s["code"] for s in sweep.policy["skipped"]) == ["dept_medical", "medical_alert"]
    assert sweep.policy["parameters"]["threshold"] == 8700.0
    assert "qrrfcrh" in sweep.policy["sources"]["threshold_yuan"]["source"]

    hit = SweepHit.objects.get(sweep=sweep, household=county["b"])
    figures = json.loads(hit.evidence)
    assert figures == {
        "income_per_capita": 30000.0,
        "income_after_rigid_per_capita": 2000.0,
        "threshold": 8700.0,
    }
    rows = selectors.hit_rows(
        sweep, selectors.sweep_hits(user=world.zx_admin, sweep=sweep), user=world.zx_admin
    )
    text = {r.number: r.rules[0]["text"] for r in rows}
    assert (
        text["5306271022020102"] == "人均纯收入 30,000 元，扣除刚性支出后人均 2,000 元，低于监测范围 8,700 元"
    )
    assert text["5306271022010101"] == "脱贫户近 12 个月人均纯收入 6,000 元，低于监测范围 8,700 元"


def test_each_flagged_household_gets_one_lead_and_new_signals_merge_into_it(world, county):
    first = _run(world.zx_admin)
    assert first.counts["leads_opened"] == 2
    assert Lead.objects.filter(status="open").count() == 2
    second = _run(world.zx_admin)
    assert second.counts["leads_opened"] == 0 and second.counts["signals"] == 2
    assert (first.counts["leads_with_new_evidence"], second.counts["leads_with_new_evidence"]) == (0, 2)
    lead = Lead.objects.get(household=county["a"])
    assert lead.signals.count() == 2 and {s.sweep_id for s in lead.signals.all()} == {first.pk, second.pk}
    assert Lead.objects.filter(household=county["a"]).count() == 1
    # the same as-of date over the same registry gives the same results; both runs are kept
    assert _hits(first) == _hits(second)
    assert Sweep.objects.filter(county_id=ZX, as_of=AS_OF, status="done").count() == 2


def test_a_later_sweep_sees_the_registry_as_of_its_own_date(world, county):
    # a year before the wage records, nobody had worked; Yunnan's threshold was not yet in force,
    # so the income rules could not run, and the sweep says so
    early = _run(world.zx_admin, as_of=dt.date(2024, 6, 30))
    assert early.counts["households"] == 3
    assert {code for _, code in _hits(early)} == {"zero_employment"}
    assert {s["code"] for s in early.policy["skipped"]} >= {"income_unstable", "rigid_spending"}


def test_reads_are_scoped_to_the_users_villages(world, county):
    sweep = _run(world.zx_admin)
    cadre1 = selectors.sweep_hits(user=world.zx_cadre1, sweep=sweep).values_list(
        "household__number", flat=True
    )
    assert list(cadre1) == ["5306271022010101"]
    cadre2 = selectors.sweep_hits(user=world.zx_cadre2, sweep=sweep).values_list(
        "household__number", flat=True
    )
    assert list(cadre2) == ["5306271022020102"]
    assert [lead.household.number for lead in selectors.leads_visible(world.zx_cadre1)] == [
        "5306271022010101"
    ]
    for outsider in (world.wz_admin, world.wz_cadre, world.nobody, world.root):
        with pytest.raises(NotFound):
            selectors.sweep_get(user=outsider, pk=sweep.pk)
        assert not selectors.leads_visible(outsider).exists()
        with pytest.raises(NotFound):
            selectors.lead_get(user=outsider, pk=Lead.objects.first().pk)
    assert selectors.sweep_get(user=world.zx_cadre2, pk=sweep.pk) == sweep


def test_only_a_county_administrator_starts_a_sweep_of_their_own_county(world, county):
    for user in (world.zx_cadre1, world.zx_township, world.zx_auditor, world.nobody, world.wz_admin):
        with pytest.raises(NotFound):
            sweep_create(actor=user, county_code=ZX, as_of=AS_OF, trigger="button", enqueue=False)
    with pytest.raises(NotFound):
        sweep_create(actor=world.zx_admin, county_code=ZX_V1, as_of=AS_OF, trigger="button")  # not a county
    with pytest.raises(DomainError) as caught:
        sweep_create(actor=world.zx_admin, county_code=ZX, as_of=dt.date(2099, 1, 1), trigger="button")
    assert caught.value.field == "as_of"


def test_wanzhou_has_no_threshold_until_chongqing_sets_one(world, county):
    sweep = _run(world.wz_admin, code=WZ)
    assert sweep.counts["flagged"] == 0
    assert {s["code"] for s in sweep.policy["skipped"]} >= {
        "income_unstable",
        "income_marginal",
        "rigid_spending",
    }
    PolicyVersion.objects.create(
        area_code=500000000000,
        effective_from=dt.date(2026, 1, 1),
        status="active",
        name="重庆市 2026 年监测范围",
        threshold_yuan=Decimal("7000"),
        threshold_source="https://example.cq.gov.cn/2026",
    )
    sweep = _run(world.wz_admin, code=WZ)
    assert _hits(sweep) == [("5001011032010104", "income_marginal")]


def _draft(world, **values):
    return services.policy_create(
        actor=world.zx_admin,
        area_code=ZX,
        effective_from=dt.date(2027, 1, 1),
        name="镇雄 2027 草稿",
        **values,
    )


def test_what_if_shows_which_households_a_draft_adds_and_drops(world, county):
    _run(world.zx_admin)
    leads_before = Lead.objects.count()
    draft = _draft(world, threshold_yuan=Decimal("40000"), threshold_source="https://example.gov.cn/draft")
    services.rule_save(
        actor=world.zx_admin,
        policy=draft,
        code="rigid_spending",
        enabled=False,
    )  # the county switches this rule off in its draft
    what_if = _run(world.zx_admin, draft=draft)
    assert what_if.kind == Sweep.Kind.WHAT_IF and what_if.status == "done"
    changes = selectors.what_if_changes(user=world.zx_admin, sweep=what_if)
    numbers = dict(SweepHit.objects.filter(sweep=what_if).values_list("household_id", "household__number"))
    assert [numbers[i] for i in changes["added"]] == ["5306271022010103"]  # C: 30,000 < 40,000
    assert changes["dropped"] == []  # B is still found, now by income_marginal
    assert _hits(what_if) == [
        ("5306271022010101", "income_unstable"),
        ("5306271022010103", "income_marginal"),
        ("5306271022020102", "income_marginal"),
    ]
    assert (what_if.counts["added"], what_if.counts["dropped"], what_if.counts["baseline_flagged"]) == (
        1,
        0,
        2,
    )
    assert Lead.objects.count() == leads_before  # a what-if opens no leads
    assert draft.status == "draft"  # and changes nothing in force
    assert _hits(_run(world.zx_admin)) == _hits(Sweep.objects.filter(kind="sweep").order_by("pk").first())


def test_rules_are_checked_when_saved(world):
    draft = _draft(world)
    good = services.rule_save(
        actor=world.zx_admin,
        policy=draft,
        code="large_household_low_income",
        name_zh="多人口低收入",
        name_en="Large household, low income",
        expression="members >= 5 and income_per_capita < threshold * 1.2",
        explanation="{members} 人，人均 {income_per_capita} 元",
        source="镇雄县 2027 年方案",
        severity=2,
        risk_types=["lack_of_labour"],
        category="marginal",
    )
    assert Rule.objects.get(pk=good.pk).expression.startswith("members >= 5")
    bad = [
        ({"expression": "members >= 5 and incme < threshold"}, "expression", "未知字段：incme"),
        ({"expression": "__import__('os').system('rm -rf /')"}, "expression", "不允许的函数"),
        ({"expression": "members + 1"}, "expression", "是/否"),
        ({"explanation": "{members.__class__}"}, "explanation", "占位符"),
        ({"explanation": "{salary} 元"}, "explanation", "salary"),
        ({"source": ""}, "source", "依据"),
        ({"risk_types": ["flood"]}, "risk_types", "风险类型"),
        ({"category": "nonexistent"}, "category", "监测对象类型"),
        ({"severity": 7}, "severity", "1、2 或 3"),
    ]
    base = {"expression": "members >= 5", "explanation": "{members} 人", "source": "方案"}
    for change, field, reason in bad:
        with pytest.raises(DomainError) as caught:
            services.rule_save(actor=world.zx_admin, policy=draft, code="r_bad", **{**base, **change})
        assert caught.value.field == field, change
        assert reason in caught.value.message, (change, caught.value.message)
    assert not Rule.objects.filter(code="r_bad").exists()  # nothing half-saved
    with pytest.raises(DomainError, match="规则代码"):
        services.rule_save(actor=world.zx_admin, policy=draft, code="Bad Code!", **base)
    active = PolicyVersion.objects.get(area_code=0, status="active")
    with pytest.raises((NotFound, DomainError)):  # the national version is not a county's to edit
        services.rule_save(actor=world.zx_admin, policy=active, code="x_rule", **base)
    with pytest.raises(NotFound):  # another county's draft
        services.rule_save(actor=world.wz_admin, policy=draft, code="x_rule", **base)


def test_a_county_rule_joins_the_national_ones_once_in_force(world, county):
    draft = _draft(world)
    services.rule_save(
        actor=world.zx_admin,
        policy=draft,
        code="comfortable_but_watched",
        name_zh="测试",
        name_en="test",
        expression="income_per_capita >= 20000 and members == 1",
        explanation="{income_per_capita}",
        source="测试",
    )
    draft.effective_from = dt.date(2026, 1, 1)
    draft.save()
    services.policy_activate(actor=world.zx_admin, version=draft)
    sweep = _run(world.zx_admin)
    assert ("5306271022010103", "comfortable_but_watched") in _hits(sweep)
    assert ("5306271022020102", "comfortable_but_watched") in _hits(sweep)


def test_the_monthly_schedule_creates_each_countys_sweep_once(world, county):
    created = schedule_due(dt.date(2026, 7, 3))
    with pytest.raises(DomainError, match="正在进行"):  # a second one of the same date, while queued
        sweep_create(actor=world.zx_admin, county_code=ZX, as_of=AS_OF, trigger="button")
    assert sorted((s.county_id, s.as_of) for s in created) == [(WZ, AS_OF), (ZX, AS_OF)]
    assert all(s.trigger == "schedule" and s.task is not None for s in created)
    assert schedule_due(dt.date(2026, 7, 20)) == []  # the same month again: nothing new


def test_a_failed_sweep_leaves_nothing_half_written(world, county, monkeypatch):
    sweep = sweep_create(actor=world.zx_admin, county_code=ZX, as_of=AS_OF, trigger="command", enqueue=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("lnob.monitoring.sweeps._leads", broken)  # fails after the hits are written
    with pytest.raises(RuntimeError):
        sweep_run(sweep)
    sweep.refresh_from_db()
    assert sweep.status == "failed" and "disk full" in sweep.error
    assert not SweepHit.objects.filter(sweep=sweep).exists() and not Lead.objects.exists()
    monkeypatch.undo()
    assert sweep_run(sweep).status == "done"  # run again: now complete
    assert SweepHit.objects.filter(sweep=sweep).count() == 2 and Signal.objects.count() == 2


def test_health_figures_only_for_roles_that_see_health_data_and_audited(world, county):
    from auditlog.models import LogEntry

    from lnob.monitoring.models import PolicyVersion

    PolicyVersion.objects.create(
        area_code=ZX,
        effective_from=dt.date(2026, 1, 1),
        status="active",
        name="镇雄医保预警",
        medical_alert_yuan=Decimal("20000"),
        medical_alert_source="https://example.gov.cn/medical",
    )
    sweep = _run(world.zx_admin)
    assert ("5306271022020102", "medical_alert") in _hits(sweep)  # B paid 28,000 itself
    hits = selectors.sweep_hits(user=world.zx_auditor, sweep=sweep, rule="medical_alert")
    masked = selectors.hit_rows(sweep, hits, user=world.zx_auditor)
    medical = next(r for r in masked[0].rules if r["code"] == "medical_alert")["text"]
    assert "***" in medical and "28,000" not in medical  # an auditor does not see health data
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    shown = selectors.hit_rows(
        sweep, selectors.sweep_hits(user=world.zx_cadre2, sweep=sweep), user=world.zx_cadre2
    )
    medical = next(r for r in shown[0].rules if r["code"] == "medical_alert")["text"]
    assert "28,000" in medical
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1  # and it is audited
