"""Project aggregates arrive as indicator values at zero lag and feed an ordinary target's status."""

from datetime import date
from decimal import Decimal

from bqw.indicators.models import DataValue, Rollup
from bqw.indicators.services import target_ensure
from bqw.indicators.status import evaluate
from bqw.projects import aggregates
from bqw.projects.services import investment_record, project_archive, project_transition

YI = Decimal(100_000_000)


def _rollup(code, region, period):
    r = Rollup.objects.filter(indicator__code=code, region__code=region, period=period).first()
    return r.value if r else None


def test_projects_become_indicator_values_rolled_up(make_project, persona, shaping):
    admin = persona("jm_admin")
    make_project("大项目甲", planned=3 * YI, intro_on=date(2023, 3, 2))
    p = make_project("大项目乙", planned=2 * YI, intro_on=date(2023, 3, 20), region=shaping)
    make_project("小项目", planned=Decimal(5_000_000), intro_on=date(2023, 4, 1))
    dv = DataValue.objects.get(indicator__code=aggregates.COUNT_MAJOR, region__code="440784000000", period="202303")
    assert dv.value == 2 and dv.state == "approved"  # the town's project counts for its county
    assert _rollup(aggregates.COUNT_ALL, "440784000000", "2023") == 3
    assert _rollup(aggregates.COUNT_MAJOR, "440700000000", "2023") == 2  # 江门, same transaction
    assert _rollup(aggregates.PLANNED, "440000000000", "2023Q1") == 5e8
    project_transition(actor=admin, project=p, to="reserve", on=date(2023, 4, 2), reason="入库")
    project_transition(actor=admin, project=p, to="prep", on=date(2023, 4, 3), reason="前期")
    project_transition(actor=admin, project=p, to="building", on=date(2023, 5, 6), reason="开工")
    assert _rollup(aggregates.COUNT_STARTED, "440700000000", "202305") == 1
    investment_record(actor=admin, project=p, period="202306", amount=YI / 2)
    assert _rollup(aggregates.COMPLETED, "440784000000", "2023") == 5e7
    project_archive(actor=admin, project=p, reason="重复入库")
    assert _rollup(aggregates.COUNT_MAJOR, "440784000000", "2023") == 1


def test_an_ordinary_target_on_project_counts_gets_its_status(make_project, persona, hs):
    admin = persona("jm_admin")
    aggregates.indicators_ensure(actor=admin)
    from bqw.indicators.models import Indicator

    target = target_ensure(actor=admin, indicator=Indicator.objects.get(code=aggregates.COUNT_MAJOR), region=hs,
                           deadline="2023", value=6, baseline_value=0, baseline_period="202301",
                           title="鹤山引进亿元以上项目6个")
    assert evaluate(target, "202306").state == "no_data"
    make_project("亿元项目一", planned=YI, intro_on=date(2023, 1, 5))
    st = evaluate(target, "202306")
    assert st.state == "off_track" and "实际" in st.reason  # 1 项目 in half a year: behind
    for i in range(5):
        make_project(f"亿元项目{i + 2}", planned=2 * YI, intro_on=date(2023, 2 + i, 5))
    assert evaluate(target, "202306").state == "achieved"


def test_a_batch_writes_the_same_figures_once(make_project, persona):
    from bqw.accounts.models import AuditEntry

    admin = persona("jm_admin")
    with aggregates.batch(actor=admin):
        make_project("批量一", planned=3 * YI, intro_on=date(2023, 3, 2))
        make_project("批量二", planned=2 * YI, intro_on=date(2023, 3, 9))
        assert _rollup(aggregates.COUNT_MAJOR, "440784000000", "202303") is None  # not yet written
    assert _rollup(aggregates.COUNT_MAJOR, "440784000000", "202303") == 2
    assert AuditEntry.objects.filter(action="datavalue.derive", after__period="202303").count() == 6
