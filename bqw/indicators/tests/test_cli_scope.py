"""Commands look units up through the acting user's scope, like pages and the API."""

import pytest
from django.core.management import CommandError, call_command


def test_status_for_a_unit_outside_the_users_scope_is_not_found(db):
    with pytest.raises(CommandError, match="不在您的查看范围内"):
        call_command("status", region="440784", period="202406", user="xh_reporter")


def test_export_rejects_a_bad_period_and_an_unknown_code(db, tmp_path):
    with pytest.raises(CommandError, match="无法识别的期间"):
        call_command("export", "values", region="440784", period="2024Q9", out=str(tmp_path / "v.csv"))
    with pytest.raises(CommandError, match="449999"):
        call_command("export", "values", region="449999", period="202406", out=str(tmp_path / "v.csv"))
    assert not (tmp_path / "v.csv").exists()
