"""Every guide's "how to apply" agrees with whether this portal files the item.

A guide marked ``online: true`` has an "apply online" button on its page: its summary and its
how-to-apply step (the first process step about applying) must send people here, and must not send them to another
app, website or platform to file it. A guide marked ``online: false`` must not promise online
filing here. The guide 430400-RS-GF-0001 once sent people to an app although this portal
files it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import GUIDES

HERE = {"zh": "衡阳一窗通", "en": "OneWindow"}
# Ways of filing somewhere else, as the guides named them.
ELSEWHERE = {
    "zh": (
        "APP",
        "小程序",
        "支付宝",
        "12123",
        "单一窗口",
        "网上服务大厅",
        "网上业务系统",
        "网上经办系统",
        "电子税务局",
        "中国教师资格网",
        "电子化注册系统",
        "政务服务网",
        "公共服务平台",
        "一网通办",
        "监管平台",
        "互联网+海关",
        "企业开办平台",
        "企业登记系统",
        "审批管理系统",
    ),
    "en": (
        "app",
        "Alipay",
        "12123",
        "Single Window",
        "online service hall",
        "e-tax bureau",
        "website",
        "platform",
        "registration system",
        "Internet+Customs",
        "approval system",
    ),
}
GUIDE_FILES = sorted((GUIDES / "items").glob("*.yaml"))


APPLYING = re.compile("申请|申报|填报|提交")


def _apply_step(guide: dict) -> dict:
    """The process step that says how to apply: the first one about applying or filing."""
    steps = guide.get("process") or [{}]
    return next((step for step in steps if APPLYING.search(step.get("zh", ""))), steps[0])


def _how_to_apply(guide: dict, language: str) -> str:
    """The guide's summary and its how-to-apply step."""
    return f"{guide['summary'][language]}\n{_apply_step(guide).get(language, '')}"


def _problems(path: Path) -> list[str]:
    guide = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    for language in ("zh", "en"):
        text = _how_to_apply(guide, language)
        step = _apply_step(guide)
        if set(step) != {"zh", "en"}:
            problems.append(f"the how-to-apply step is not one text per language: {step}")
        if guide["online"]:
            if HERE[language] not in step.get(language, ""):
                problems.append(f"{language}: the how-to-apply step does not say to apply here")
            problems += [
                f"{language}: sends people to {marker!r}"
                for marker in ELSEWHERE[language]
                if re.search(rf"(?<![A-Za-z]){re.escape(marker)}(?![A-Za-z])", text, re.I)
            ]
        elif HERE[language] in text:
            problems.append(f"{language}: promises filing here, but the item is not online")
    return problems


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.stem)
def test_how_to_apply_agrees_with_online_filing(path):
    assert _problems(path) == []


def test_the_check_catches_a_guide_that_sends_people_elsewhere(tmp_path):
    guide = yaml.safe_load((GUIDES / "items" / "430400-RS-GF-0001.yaml").read_text("utf-8"))
    guide["process"][0] = {
        "zh": "通过“湖南智慧人社”APP申请",
        "en": "Apply through the Hunan Smart HR and Social Security app",
    }
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    assert any("sends people to" in p for p in _problems(broken))
    guide["online"] = False
    guide["process"][0] = {"zh": "在衡阳一窗通网上申请", "en": "Apply on OneWindow"}
    broken.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    assert any("not online" in p for p in _problems(broken))
