"""The one light vocabulary: the label is the status word, the colour comes from the light, one fill map."""

from __future__ import annotations

from django.template.loader import render_to_string

from bqw.core.status import LIGHT_FILLS, Light, Status, light_fill


def test_label_is_the_status_word_and_colour_the_lights_name():
    s = Status(Light.RED, "逾期", "已逾期3天")
    assert (s.label, s.colour) == ("逾期", "红灯")
    assert s.as_dict() == {"light": "red", "colour": "红灯", "label": "逾期", "reason": "已逾期3天"}


def test_one_fill_per_light():
    assert set(LIGHT_FILLS) == set(Light.values)
    assert light_fill("yellow").fgColor.rgb.endswith("FFEB9C")


def test_the_partial_renders_a_status_or_a_bare_light():
    html = render_to_string("core/partials/light.html", {"status": Status("blue", "正常推进", "领先 2 个百分点")})
    assert 'class="light blue" title="蓝灯"' in html and "正常推进" in html and "领先 2 个百分点" in html
    brief = render_to_string("core/partials/light.html", {"status": Status("blue", "正常推进", "领先"), "brief": True})
    assert "领先" not in brief and "正常推进" in brief
    bare = render_to_string("core/partials/light.html", {"light": "grey", "label": "灰灯"})
    assert 'class="light grey"' in bare and "灰灯" in bare
