"""PDF through LibreOffice headless, where it is installed (optional: offices print from Word)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from bqw.core.errors import ApplicationError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    exe = soffice()
    if exe is None:
        raise ApplicationError("未安装 LibreOffice（soffice），无法转换为 PDF")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", tmp, str(docx)], check=True, capture_output=True, timeout=180)
        shutil.move(str(Path(tmp) / f"{docx.stem}.pdf"), pdf)
    return pdf
