from django import forms


class ClassImportForm(forms.Form):
    file = forms.FileField(label="分类名单（Excel 或 CSV）")
    scheme = forms.CharField(label="分类方案", required=False, help_text="文件中没有“分类方案”列时填写，如 县域分类")
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
