"""Charts rendered on the server as PNG images with a CJK font, for the Word briefing."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from bqw.core.status import Light  # noqa: E402

COLOURS = {Light.RED: "#d93025", Light.YELLOW: "#f4b400", Light.BLUE: "#1a73e8", Light.GREEN: "#188038",
           Light.GREY: "#9aa0a6"}
CJK_FONTS = [  # Debian's fonts-noto-cjk, then common office fonts
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


def cjk_font() -> font_manager.FontProperties | None:
    for path in CJK_FONTS:
        if Path(path).exists():
            return font_manager.FontProperties(fname=path)
    return None


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def light_bars(title: str, counts: dict[str, int], labels: dict[str, str]) -> bytes:
    """One bar per light (红灯 3, 黄灯 5 …) with its count on top."""
    font = cjk_font()
    keys = [k for k in counts]
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    bars = ax.bar([labels[k] for k in keys], [counts[k] for k in keys], color=[COLOURS[k] for k in keys])
    for bar, k in zip(bars, keys, strict=True):
        ax.annotate(str(counts[k]), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontproperties=font)
    ax.set_title(title, fontproperties=font)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_yticks([])
    return _png(fig)


def stacked_lights(title: str, rows: list[tuple[str, dict[str, int]]], order: list[str],
                   labels: dict[str, str]) -> bytes:
    """Horizontal stacked bars of lights per unit (the lead units with most tasks)."""
    font = cjk_font()
    names = [name for name, _ in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(rows) + 1.2))
    left = [0] * len(rows)
    for key in order:
        values = [lights.get(key, 0) for _, lights in rows][::-1]
        ax.barh(names, values, left=left, color=COLOURS[key], label=labels[key])
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_title(title, fontproperties=font)
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
    ax.legend(prop=font, loc="lower right", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
