"""Places and subjects: which unit (city, county, town, zone) a statement is about.

A unit name is real when it is in the shipped divisions gazetteer (levels 1–4) or, outside it,
one word the segmenter tags as a place; so "推进富县", "年江门市" and "百强县" are not units.
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
from functools import lru_cache
from pathlib import Path

from bqw.core.periods import YEAR_RE

NOT_PLACES = {
    "全市",
    "全区",
    "全县",
    "城区",
    "市区",
    "我市",
    "本市",
    "县区",
    "各县",
    "各区",
    "主城区",
    "中心城区",
    "示范区",
    "先行区",
    "集聚区",
    "园区",
    "试验区",
    "新区",
    "地区",
    "片区",
    "高新区",
    "社区",
    "湾区",
    "大湾区",
    "启动区",
    "景区",
    "山区",
    "老区",
    "城市",
}


UNIT_SUFFIX = r"(?:街道|市|区|县|镇|乡)"
ZONE_SUFFIX = r"(?:集聚区|高新区|开发区|片区|产业园|试验区|合作区)"
DIVISIONS_DIR = Path(__file__).resolve().parents[3] / "data" / "divisions"


@lru_cache(maxsize=1)
def gazetteer() -> frozenset[str]:
    """Names of the shipped divisions down to towns (广东: 江门市, 鹤山市, 址山镇, 沙坪街道 …)."""
    names: set[str] = set()
    for path in sorted(DIVISIONS_DIR.glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            names.update(r["name"] for r in csv.DictReader(f) if r["level"] in ("1", "2", "3", "4"))
    return frozenset(names)


@lru_cache(maxsize=4096)
def is_place_name(name: str) -> bool:
    """A real unit name, not a phrase ending in 市/区/县 ("推进富县", "年江门市", "实施县").

    Known divisions come from the shipped gazetteer; elsewhere a county-or-above name must be
    one word that the segmenter tags as a name (眉山市, 阳山县); zones start with a known place.
    """
    if name in NOT_PLACES or name[0] in "各全该本我每其这那首":
        return False
    if re.search(r"强[县区市镇]$|^(?:经济)?(?:开发|工业园|产业园|工业|产业|园|城)区$", name):
        return False  # "百强县", "开发区": a class or a kind of zone, not a unit
    if name in gazetteer():
        return True
    zone = re.fullmatch(rf"([\u4e00-\u9fff]{{2,10}}?){ZONE_SUFFIX}", name)
    if zone:
        head = zone.group(1)
        for n in _city_stems(head[:2]):
            stem = n if head.startswith(n) else n[:-1]
            if head.startswith(stem):
                middle = head[len(stem) :]
                return len(middle) <= 6 and not _has_verb(middle)
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}(?:市|区|县)", name):
        return False
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)

    words = list(jieba.posseg.cut(name))
    return len(words) == 1 and words[0].flag in ("ns", "nr", "nz")


def _has_verb(phrase: str) -> bool:
    """Whether the segmenter sees a verb, adverb or preposition in a phrase ("用好国家" but not "大型产业")."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return any(w.flag[:1] in ("v", "d", "p", "c") for w in jieba.posseg.cut(phrase)) if phrase else False


@lru_cache(maxsize=512)
def _city_stems(prefix: str) -> tuple[str, ...]:
    """Gazetteer cities and counties whose name starts with `prefix` (江 → 江门市, 江海区 …)."""
    return tuple(n for n in gazetteer() if n.startswith(prefix) and n[-1] in "市区县" and len(n) >= 3)


def place_names(text: str) -> list[tuple[int, str]]:
    """Every unit name in the text with its offset; at each suffix the longest real name wins."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(rf"{ZONE_SUFFIX}|{UNIT_SUFFIX}", text):
        end = m.end()
        for length in range(min(12, end), 2, -1):
            name = text[end - length : end]
            if re.fullmatch(r"[\u4e00-\u9fff]+", name) and is_place_name(name):
                out.append((end - length, name))
                break
    return out


def find_issuer(text: str) -> str | None:
    """The most mentioned city/district/county name in the text (a name in the title counts double)."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    title_end = len("\n".join(text.lstrip().splitlines()[:3]))
    for pos, name in place_names(text):
        if name[-1] not in "市区县" or re.search(ZONE_SUFFIX + "$", name):
            continue
        counts[name] = counts.get(name, 0) + (2 if pos < title_end else 1)
        first.setdefault(name, pos)
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


# ---------------------------------------------------------------- subjects

SUBJECT_LEAD = (
    r"^\s*(?:(?:其中|目前|同时|此外|另外|今年以来|今年|近年来|截至[^，,]{0,12}|截止[^，,]{0,12}|"
    rf"(?:到|至)?{YEAR_RE}年(?:以来|底|末)?|\d{{1,2}}月(?:\d{{1,2}}日)?(?:以来)?|在)\s*)*"
)
PROVINCE_SCOPE = r"(?:[\u4e00-\u9fff]{2}省|[\u4e00-\u9fff]{2})?全省(?!第|排名|前列|首|唯一|率先|领先|之最|最)"


def place_stems(text: str) -> dict[str, str]:
    """Short forms of the cities and counties named in the text: 江门 → 江门市."""
    return {
        n[:-1]: n
        for _, n in place_names(text)
        if n[-1] in "市区县" and len(n) >= 3 and not re.search(ZONE_SUFFIX + "$", n)
    }


def _leading_place(clause: str) -> str | None:
    """The unit named at the start of a clause, with a bracketed zone or town ("江海区(江门国家高新区)")."""
    for m in re.finditer(rf"{ZONE_SUFFIX}|{UNIT_SUFFIX}", clause[:14]):
        name = clause[: m.end()]
        if is_place_name(name):
            more = _leading_place(clause[m.end() :]) if m.end() < len(clause) else None
            if more and "(" not in more:
                return name + more  # "江门大型产业集聚区新会片区", "鹤山市沙坪街道"
            br = re.match(rf"[(（]([^()（）]{{2,14}}(?:{ZONE_SUFFIX}|{UNIT_SUFFIX}))[)）]", clause[m.end() :])
            return f"{name}({br.group(1)})" if br else name
    return None


def _clause_subject(clause: str, default: str | None, stems: dict[str, str]) -> str | None:
    rest = re.sub(SUBJECT_LEAD, "", clause)
    if re.match(PROVINCE_SCOPE, rest):
        return default if default and default.endswith("省") else "全省"
    name = _leading_place(rest)
    if name:
        return name
    for stem, full in stems.items():
        tail = rest[len(stem) :]
        if rest.startswith(stem) and (not tail or re.match(r"\d|共|已|累计|全市|全区|全县", tail)):
            return full
    return None


EACH_UNIT = (
    r"(?:各|每个|每一个)((?:涉农)?(?:县[(（]市、区[)）]|镇[(（]街[)）]|县城|圩镇|乡镇|镇街|行政村|自然村|社区|村|镇|县|区)"
    r"(?:卫生院|学校)?)"
)


def _is_lead_clause(clause: str) -> bool:
    """Short openers before the sentence's real subject: "11月6日，", "2023年，", "《方案》指出，"."""
    rest = re.sub(SUBJECT_LEAD, "", clause).strip()
    return len(rest) <= 8 and not re.search(r"\d", rest)


def subject_for(before: str, default: str | None, stems: dict[str, str] | None = None) -> str | None:
    """The unit a statement is about: one named at the start of its own clause (其中江门1个…),
    else at the start of its sentence past short openers (11月6日，广东全省… → 全省; 《方案》指出，
    2023年，新会区要…), else the document's issuer."""
    stems = stems or {}
    clauses = re.split(r"[，,；;：:]", before)
    own = _clause_subject(clauses[-1], default, stems)
    if own:
        return own
    each = re.findall(EACH_UNIT, clauses[-1])
    if each and default:
        return f"{default}各{each[-1]}"  # "每个行政村植树100株" applies to every village
    for clause in clauses[:-1]:
        if _is_lead_clause(clause):
            continue
        return _clause_subject(clause, default, stems) or default
    return default
