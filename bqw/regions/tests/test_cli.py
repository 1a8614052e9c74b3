import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_stats_json_for_the_province(db):
    out, err = StringIO(), StringIO()
    call_command("regions", "stats", "44", "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {"province": 1, "city": 21, "county": 122, "town": 1610, "village": 26610}


def test_stats_for_heshan_names_cun_and_shequ(db):
    out, err = StringIO(), StringIO()
    call_command("regions", "stats", "440784", "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {"county": 1, "town": 10, "village": 139}
    assert "村 112" in err.getvalue() and "社区 27" in err.getvalue()


def test_stats_for_unknown_code(db):
    with pytest.raises(CommandError, match="未找到"):
        call_command("regions", "stats", "449999")
