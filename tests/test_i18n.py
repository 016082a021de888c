"""Every user-facing string is in the English catalog, translated."""

from __future__ import annotations

from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT
from portal.translate import extract_messages

EN_CATALOG = PROJECT_ROOT / "translations/en/LC_MESSAGES/messages.po"


def _translated(message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return not message.fuzzy and all(strings)


def test_every_string_in_the_code_is_translated_to_english(tmp_path):
    template = tmp_path / "messages.pot"
    extract_messages(str(template))
    with template.open("rb") as handle:
        wanted = [message.id for message in read_po(handle) if message.id]
    with EN_CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        msgid
        for msgid in wanted
        if (message := catalog.get(msgid)) is None or not _translated(message)
    ]
    assert missing == [], f"{len(missing)} strings lack an English translation: {missing[:10]}"
