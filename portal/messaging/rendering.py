"""Message texts from template files, one per message, channel and language.

``templates/<language>/<kind>.email.txt`` holds an e-mail: its first line is the subject,
then a blank line, then the body. ``<kind>.sms.txt`` is the text message. They are plain
text (no autoescaping) with undefined names raising, so a template that asks for
something the code does not give fails its test instead of sending a hole. Dates and
money are formatted by Babel in the recipient's language, never in the reader's of
whatever page happened to cause the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).with_name("templates")
# applicant.language → the template folder and the Babel locale for its dates and money.
LANGUAGES = {"zh": ("zh_Hans", "zh_Hans_CN"), "en": ("en", "en")}
CHANNELS = ("email", "sms")
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def folder_for(language: str) -> str:
    return LANGUAGES.get(language, LANGUAGES["zh"])[0]


@cache
def environment(language: str) -> Environment:
    folder, locale = LANGUAGES.get(language, LANGUAGES["zh"])
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / folder),
        autoescape=False,  # plain text: an e-mail body, an SMS
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    lang = "en" if folder == "en" else "zh"
    env.filters.update(
        date=lambda value: _date(value, locale),
        datetime=lambda value: format_datetime(value, "medium", tzinfo=BEIJING, locale=locale),
        money=lambda amount: format_currency(Decimal(str(amount)), "CNY", locale=locale),
        t=lambda value: _pick(value, lang),
    )
    return env


def _date(value: date | datetime | str, locale: str) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, format="long", locale=locale)


def _pick(value: dict | str | None, language: str) -> str:
    """A bilingual text ``{"zh": …, "en": …}`` in ``language``, Chinese if it has no such text."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("zh", "")


def kinds() -> list[str]:
    """Every message kind that has templates (the Chinese folder is authoritative)."""
    names = (path.name.split(".")[0] for path in (TEMPLATES / "zh_Hans").glob("*.email.txt"))
    return sorted(name for name in names if not name.startswith("_"))


def render(kind: str, channel: str, language: str, context: dict) -> Rendered:
    """The message ``kind`` for ``channel`` (email or sms) in ``language`` (zh or en)."""
    if channel not in CHANNELS:
        raise ValueError(f"no channel {channel!r}")
    text = environment(language).get_template(f"{kind}.{channel}.txt").render(**context)
    if channel == "sms":
        return Rendered(subject="", body=" ".join(text.split()))
    subject, _, body = text.strip().partition("\n")
    return Rendered(subject=subject.strip(), body=_tidy(body))


def _tidy(body: str) -> str:
    """No run of blank lines left where an optional paragraph was not needed."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    tidied: list[str] = []
    for line in lines:
        if line or (tidied and tidied[-1]):
            tidied.append(line)
    return "\n".join(tidied) + "\n"
