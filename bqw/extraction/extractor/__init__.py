"""Rule-based extraction of quantitative statements and tasks from policy prose.

The text is cut into paragraphs, sentences (。！？) and clauses (，；：).  In each
clause a number+unit grammar finds quantities; words around the quantity give
the comparator, the clause and sentence give the kind (target or achieved) and
the deadline, and the document heading gives defaults.  No rule names a
particular document: everything keys on general wording of the genre.

Word → comparator mapping (see also docs/EXTRACTION.md):

| words (before / after the number)                    | comparator | note |
|------------------------------------------------------|------------|------|
| 以上, 及以上, 不少于, 不低于, 至少, 不少                | >=         | |
| 达到, 达, 提升至/到, 提高到/至, 增加到/至, 增长到,       | >=         | targets; facts "=" |
| 扩大到/至, 保障 (bare 稳定在/保持在 stay "=")          |            | |
| 超, 超过, 突破, 余 (2300余所), 逾                      | >          | |
| 以内, 之内, 以下, 不超过, 控制在; ranks X强/百强/前N位  | <=         | ranks take unit 名 |
| 约, 长约, 左右, 百名 (bare magnitude of people), N分之M | approx     | 一半 too |
| bare number                                          | =          | |
| 全覆盖; 全部/所有 (clause without another number)       | = 100 %    | |
| 零X (零填埋), 全面消除, 清零                           | = 0        | …的村 → 个, else % |
| 翻一番 / 翻两番                                      | = 2 / 4 倍  | |
| N—M / N至M (ranges)                                  | >= N, <= M | two items, one quote |
| 力争, 争取, 确保                                       | unchanged  | intent, not a bound |

Modules by concern: `text` (paragraphs, sentences, clauses, quoted names), `places` (gazetteer,
issuer, subjects), `times` (deadlines via `bqw.core.periods`), `quantities` (number grammar,
comparator words), `worded` (ranks, zero targets, coverage…), `kinds` (target or achieved),
`naming` (indicator names), `items` (the pipeline to `Item`s) and `tasks` (`TaskDraft`s).
"""

from ..numbers import UNITS
from .items import Item, extract
from .places import find_issuer, is_place_name
from .tasks import TaskDraft, extract_tasks
from .times import document_year

__all__ = ["UNITS", "Item", "TaskDraft", "document_year", "extract", "extract_tasks", "find_issuer", "is_place_name"]
