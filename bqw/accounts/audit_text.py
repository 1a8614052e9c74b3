"""The audit log read as sentences: who did what to which object, and each changed field before → after.

Apps may add their own verbs to ACTION_WORDS (and field names to FIELD_WORDS) in AppConfig.ready()."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry

ACTION_WORDS: dict[str, str] = {
    "datavalue.save": "填报了数据", "datavalue.submit": "提交了数据", "datavalue.approve": "审核通过了数据",
    "datavalue.return": "退回了数据", "datavalue.reopen": "重新打开了数据", "datavalue.derive": "自动计算了数据",
    "datavalue.delete": "删除了数据",
    "datavalue.bulk_load": "批量导入了数据", "indicator.create": "新建了指标", "indicator.update": "修改了指标",
    "target.create": "新建了目标", "target.update": "修改了目标", "plan.create": "新建了计划",
    "plan.simulate": "模拟了计划进度", "action.create": "新建了行动", "task.create": "新建了任务",
    "task.import": "导入了任务清单", "task.close": "办结了任务", "task.decompose": "分解了任务",
    "task.report": "报送了任务进度", "task.report.accept": "采纳了进度报送", "task.report.return": "退回了进度报送",
    "task.rollup": "汇总了任务进度", "task.targets.set": "设置了任务服务的目标", "supervise.run": "运行了督办日检",
    "user.create": "新建了用户", "user.update": "修改了用户", "apitoken.create": "创建了 API 令牌",
    "organization.create": "新建了机构", "region.zone_create": "新建了功能区", "regionclass.set": "设置了区划分类",
    "regionclass.load": "导入了区划分类", "regions.load": "导入了行政区划", "briefing.request": "申请生成通报",
    "briefing.generate": "生成了通报", "briefing.revoke": "撤销了通报", "admin.add": "在后台新增了",
    "admin.change": "在后台修改了", "admin.delete": "在后台删除了",
    "extraction.document.create": "提交了政策文本", "extraction.item.accept": "采纳了提取结果",
    "extraction.item.reject": "驳回了提取结果", "extraction.item.reopen": "重新打开了提取结果",
    "extraction.item.update": "修改了提取结果",
}

FIELD_WORDS: dict[str, str] = {
    "value": "数值", "state": "状态", "version": "版本", "comment": "说明", "reason": "原因", "progress": "进度",
    "done_on": "办结日期", "targets": "服务目标", "name": "名称", "role": "角色", "deadline": "期限",
    "title": "标题", "is_simulated": "模拟数据", "period": "期间", "weight": "权重", "due_on": "到期日",
    "first_name": "姓名", "email": "邮箱", "is_active": "启用", "tasks": "任务数", "rows": "行数",
}
STATE_WORDS = {"draft": "草稿", "submitted": "已提交", "approved": "已审核", "returned": "已退回",
               "not_started": "未开始", "in_progress": "推进中", "done": "已办结", True: "是", False: "否"}
HIDDEN = {"version", "region_id", "indicator_id", "updated_by_id", "updated_at"}


def _show(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    if isinstance(v, (list, tuple)):
        return "、".join(_show(x) for x in v) or "（无）"
    if isinstance(v, dict):
        return "；".join(f"{FIELD_WORDS.get(k, k)} {_show(x)}" for k, x in v.items())
    if isinstance(v, bool) or v in STATE_WORDS:
        return STATE_WORDS.get(v, str(v))
    s = str(v)
    return s[:60] + ("…" if len(s) > 60 else "")


def audit_changes(entry: AuditEntry) -> list[str]:
    """Each changed field as "数值：100 → 120" (for a creation: the values it was created with)."""
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    out = []
    for key in dict.fromkeys([*before, *after]):
        if key in HIDDEN:
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        label = FIELD_WORDS.get(key, key)
        out.append(f"{label}：{_show(new)}" if key not in before else f"{label}：{_show(old)} → {_show(new)}")
    return out[:8]


def audit_sentence(entry: AuditEntry) -> str:
    """"张三 审核通过了数据「…」" — who did what to which object."""
    who = (entry.actor.first_name or entry.actor.username) if entry.actor else "系统"
    verb = ACTION_WORDS.get(entry.action, f"执行了“{entry.action}”")
    obj = f"「{entry.object_repr}」" if entry.object_repr else ""
    where = f"（{entry.region.name}）" if entry.region_id and entry.region else ""
    return f"{who} {verb}{obj}{where}"
