"""The real hierarchy as loaded from the shipped division file."""

import gzip

from django.core.management import call_command

from bqw.accounts.services import system_user
from bqw.regions import divisions
from bqw.regions.models import Region
from bqw.regions.selectors import region_ancestors, region_children, region_stats
from bqw.regions.services import divisions_load


def test_province_counts_match_the_official_division(region):
    assert region_stats(region("44"))["levels"] == {
        "province": 1, "city": 21, "county": 122, "town": 1610, "village": 26610}


def test_heshan_has_ten_towns_and_139_villages_split_into_cun_and_shequ(region):
    stats = region_stats(region("440784"))
    assert stats["levels"] == {"county": 1, "town": 10, "village": 139}
    assert stats["village_types"] == {"村": 112, "社区": 27}


def test_dongguan_and_zhongshan_towns_hang_directly_under_the_city(region):
    for city in ("4419", "4420"):
        c = region(city)
        assert not Region.objects.filter(code=c.prefix + "00000000", level=3).exists()
        kids = Region.objects.filter(parent=c)
        assert kids.exists() and set(kids.values_list("level", flat=True)) == {4}
        assert region_stats(c)["levels"]["county"] == 0


def test_quasi_town_units_and_their_villages_are_left_out_of_admin_counts(region):
    quasi = Region.objects.filter(kind=Region.Kind.QUASI, level=4)
    assert quasi.exists()
    assert all(int(q.code[6:9]) >= 400 for q in quasi)
    prison = Region.objects.get(name="广东省江门监狱")
    assert prison.kind == Region.Kind.QUASI
    assert Region.objects.filter(parent=prison).exclude(kind=Region.Kind.QUASI).count() == 0


def test_subtree_is_a_code_range_and_matches_the_parent_links(region):
    heshan = region("440784")
    by_range = set(Region.objects.within(heshan).values_list("code", flat=True))
    by_links, frontier = {heshan.code}, [heshan]
    while frontier:
        frontier = list(Region.objects.filter(parent__in=frontier))
        by_links |= {r.code for r in frontier}
    assert by_range == by_links
    assert not Region.objects.within(heshan).filter(code__startswith="440705").exists()


def test_subtree_query_uses_the_code_index(region):
    from django.db import connection

    heshan = region("440784")
    sql, params = Region.objects.within(heshan).query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(r) for r in cur.fetchall())
            assert "USING INDEX" in plan and "code" in plan
        else:
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = " ".join(r[0] for r in cur.fetchall())
            assert "Index" in plan


def test_children_carry_counts_from_one_grouped_query(db, region, persona, django_assert_num_queries):
    user, province = persona("gd_admin"), region("44")
    with django_assert_num_queries(2):
        cities = region_children(user=user, region=province)
    jm = next(c for c in cities if c.code.startswith("4407"))
    admin_jm = Region.objects.administrative().filter(code__startswith="4407")
    assert jm.counts == {"county": 7, "town": admin_jm.filter(level=4).count(),
                         "village": admin_jm.filter(level=5).count()}
    assert jm.counts["town"] == 73


def test_ancestors_of_a_village(region):
    village = Region.objects.filter(parent__parent__code="440784000000", level=5).first()
    names = [a.name for a in region_ancestors(village)]
    assert names[:3] == ["广东省", "江门市", "鹤山市"] and len(names) == 4


def test_full_names_match_how_offices_write_them(region):
    assert region("440784").full_name == "江门市鹤山市"
    assert Region.objects.get(parent__code="440784000000", name="沙坪街道").full_name == "江门市鹤山市沙坪街道"


def test_loading_again_adds_nothing(db):
    assert divisions_load(actor=system_user(), province="44") == 0


def test_build_from_the_package_layout(tmp_path):
    """A tiny package-shaped source with a stand-in county and a quasi town builds by the rules."""
    src = tmp_path / "dist"
    src.mkdir()
    (src / "provinces.csv").write_text('code,name\n44,"广东省"\n', encoding="utf-8")
    (src / "cities.csv").write_text('code,name,provinceCode\n4419,"东莞市",44\n', encoding="utf-8")
    (src / "areas.csv").write_text('code,name,cityCode,provinceCode\n441900,"东莞市",4419,44\n', encoding="utf-8")
    (src / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        '441900003,"东城街道",441900,44,4419\n441900401,"松山湖",441900,44,4419\n', encoding="utf-8")
    (src / "villages.csv").write_text(
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '441900003001,"东城社区居民委员会",441900003,44,4419,441900\n'
        '441900003201,"周屋村委会",441900003,44,4419,441900\n'
        '441900401001,"松山湖社区",441900401,44,4419,441900\n', encoding="utf-8")
    out = tmp_path / "44.csv.gz"
    call_command("divisions", "build", "--from", str(src), "--province", "44", "--out", str(out))
    rows = {r["code"]: r for r in divisions.read(out)}
    assert "441900000000" in rows and rows["441900000000"]["level"] == "2"  # the city, not a stand-in county
    assert rows["441900003000"]["parent"] == "441900000000"
    assert rows["441900401000"]["kind"] == "quasi" and rows["441900401001"]["kind"] == "quasi"
    assert rows["441900003001"]["village_type"] == "社区" and rows["441900003201"]["village_type"] == "村"
    assert gzip.open(out).read(4) == b"code"
