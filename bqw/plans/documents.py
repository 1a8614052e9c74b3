"""The 督办单 as an official document (公文 layout from core.official), addressed to the lead unit."""

from __future__ import annotations

from bqw.core.official import OfficialDocument, chinese_date

from .lights import task_light
from .models import SupervisionNotice


def notice_docx(notice: SupervisionNotice) -> bytes:
    task = notice.task
    office = f"{task.region.name}百千万工程指挥部办公室"
    doc = OfficialDocument()
    doc.masthead("百千万工程督办单", notice.number or "督办单", office, notice.issued_on)
    doc.title("关于督促办理逾期任务的通知")
    doc.paragraph(f"{notice.organization.name if notice.organization else '各牵头单位'}：")
    leads = "、".join(link.organization.name for link in task.lead_links.select_related("organization"))
    doc.paragraph(f"你单位牵头的“{task.content}”任务（{task.plan.name}，完成时限：{task.deadline_text or '未注明'}），"
                  f"截至{chinese_date(notice.issued_on)}尚未办结。{task_light(task, notice.issued_on).reason}。")
    if notice.reply_due:
        doc.paragraph(f"请于{chinese_date(notice.reply_due)}前将办理情况、存在问题和下一步措施书面报送"
                      f"{office}，并在平台报送进度。")
    if leads:
        doc.paragraph(f"牵头单位：{leads}。")
    doc.signature(office, notice.issued_on)
    doc.record(leads or "各牵头单位", office, notice.issued_on)
    return doc.to_bytes()
