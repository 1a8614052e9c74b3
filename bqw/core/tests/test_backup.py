"""`bqw backup` / `bqw restore`: a round trip gives back the same export; a broken file changes nothing."""

from __future__ import annotations

import gzip
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bqw.accounts.models import User
from bqw.regions.models import Region


def export(path) -> list[str]:
    call_command("backup", str(path), stdout=io.StringIO())
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()[1:]  # without the header (its time differs)


def test_backup_and_restore_round_trip(db, tmp_path, persona):
    before = export(tmp_path / "before.jsonl.gz")
    assert len(before) >= Region.objects.count()
    # change things: a user renamed, one added, a region's name edited
    reporter = persona("hs_reporter")
    reporter.first_name = "改过的名字"
    reporter.save()
    User.objects.create(username="intruder")
    Region.objects.filter(code="440784001000").update(name="改名街道")
    call_command("restore", str(tmp_path / "before.jsonl.gz"), stdout=io.StringIO())
    assert not User.objects.filter(username="intruder").exists()
    assert Region.objects.get(code="440784001000").name == "沙坪街道"
    after = export(tmp_path / "after.jsonl.gz")
    changed = sorted(set(after) ^ set(before))
    assert after == before, changed[:4]
    User.objects.create(username="after_restore")  # sequences were reset: a new row gets a fresh id


def test_a_broken_backup_changes_nothing(db, tmp_path):
    users = User.objects.count()
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match="无法读取备份文件|不是 bqw 备份文件"):
        call_command("restore", str(bad), stdout=io.StringIO())
    truncated = tmp_path / "truncated.jsonl.gz"  # a good header, then a row cut off mid-way
    with gzip.open(truncated, "wt", encoding="utf-8") as f:
        f.write('{"format": "bqw-backup", "version": 1}\n{"model": "regions.region", "pk": 1, "fields": {"na')
    with pytest.raises(CommandError):
        call_command("restore", str(truncated), stdout=io.StringIO())
    assert User.objects.count() == users and Region.objects.count() > 28000
