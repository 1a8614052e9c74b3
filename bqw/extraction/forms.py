"""Forms of the review page (cleaning only; writes go through services)."""

from __future__ import annotations

from django import forms

from .models import DraftItem

UPLOAD_MAX = 10 * 1024 * 1024


class DocumentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="留空则取正文第一行")
    text = forms.CharField(label="粘贴正文", widget=forms.Textarea(attrs={"rows": 10}), required=False)
    file = forms.FileField(label="或上传文件（.txt / .docx）", required=False)
    year = forms.IntegerField(label="文件年份", min_value=1990, max_value=2100, required=False,
                              help_text="用于解析“今年”“年底前”；留空则从正文日期判断")
    subject = forms.CharField(label="发文主体", max_length=60, required=False, help_text="如 江门市")

    def clean(self):
        data = super().clean()
        f = data.get("file")
        if not data.get("text", "").strip() and not f:
            raise forms.ValidationError("请粘贴正文或上传文件")
        if f:
            name = f.name.lower()
            if not name.endswith((".txt", ".docx")):
                self.add_error("file", "仅支持 .txt 和 .docx 文件")
            elif f.size > UPLOAD_MAX:
                self.add_error("file", "文件不能超过 10 MB")
        return data


class DraftItemForm(forms.ModelForm):
    class Meta:
        model = DraftItem
        fields = ["kind", "indicator", "comparator", "value", "unit", "deadline", "subject", "lead_units",
                  "deadline_text", "start", "end"]
        widgets = {
            "indicator": forms.TextInput(attrs={"size": 24}),
            "value": forms.NumberInput(attrs={"step": "any", "style": "width:8em"}),
            "unit": forms.TextInput(attrs={"size": 4}),
            "deadline": forms.TextInput(attrs={"size": 10}),
            "subject": forms.TextInput(attrs={"size": 8}),
            "lead_units": forms.TextInput(attrs={"size": 16}),
            "deadline_text": forms.TextInput(attrs={"size": 10}),
            "start": forms.NumberInput(attrs={"style": "width:6em"}),
            "end": forms.NumberInput(attrs={"style": "width:6em"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.value is not None and "value" not in self.data:
            self.initial["value"] = format(self.instance.value.normalize(), "f")  # 3, not 3.000000
