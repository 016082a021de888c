"""An application's answers as the applicant saw them: the guide's question text and option
labels, in both languages, for the window's case page and the back office's case document.

The presenter is generic over the item's questions: a yes/no, a choice, a date, a number or a
text is shown by its question's type. What the guide does not describe is still shown, never
dropped: an answer under a key no question has (a field another part of the portal adds, such
as a postal address) is shown under its key, and an answer holding several parts (a mapping,
or a list) is shown part by part, each under its own key.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from portal.catalog.presenters import list_separator
from portal.filing import delivery
from portal.i18n import LOCALES, label, long_date

# The languages every label is given in: the case document carries both.
LANGUAGES = LOCALES
# Labels waiting for their language while present_answers builds the answers.
_pending_labels: ContextVar[list | None] = ContextVar("pending_answer_labels", default=None)


@dataclass(frozen=True)
class Answer:
    """One answer: its key (the question code), its raw value, and labels in each language.

    ``question`` is the question's text, or the key itself where no question has this key;
    ``label`` is the answer as the applicant saw it; ``parts`` are the answers inside a
    compound answer (its ``label`` then lists them).
    """

    key: str
    code: object
    question: dict[str, str]
    label: dict[str, str]
    known: bool
    parts: tuple[Answer, ...] = ()

    def as_document(self) -> dict:
        """The answer in the case document (docs/backoffice.md)."""
        document = {
            "question": dict(self.question),
            "code": self.code,
            "label": dict(self.label),
            "known_question": self.known,
        }
        if self.parts:
            document["parts"] = {part.key: part.as_document() for part in self.parts}
        return document


def present_answers(questions: list[dict], answers: dict | None) -> list[Answer]:
    """Every answer: the guide's questions in their order, then any other key, sorted."""
    pending: list[tuple[dict[str, str], Callable[[], object]]] = []
    token = _pending_labels.set(pending)
    try:
        shown = _present(questions, answers)
    finally:
        _pending_labels.reset(token)
    _render_labels(pending)
    return shown


def _present(questions: list[dict], answers: dict | None) -> list[Answer]:
    answers = dict(answers or {})
    shown = [
        _with_address(_answer(q["code"], answers.pop(q["code"], None), q), answers)
        for q in questions
    ]
    return shown + [_answer(str(key), answers[key], None) for key in sorted(answers, key=str)]


def _with_address(answer: Answer, answers: dict) -> Answer:
    """A delivery answer with the postal address kept beside it (portal/filing/delivery.py),
    its parts named as the address page asks for them; ``answers`` loses those keys."""
    keys = {part: delivery.address_key(answer.key, part) for part in delivery.ADDRESS_PARTS}
    given = {part: answers.pop(key) for part, key in keys.items() if key in answers}
    if not given:
        return answer
    parts = tuple(
        Answer(
            key=keys[part],
            code=value,
            question=_each_language(lambda part=part: delivery.PART_NAMES[part]),
            label=_each_language(lambda part=part, value=value: delivery.part_text(part, value)),
            known=True,
        )
        for part, value in given.items()
    )
    return Answer(answer.key, answer.code, answer.question, answer.label, answer.known, parts)


def answers_document(questions: list[dict], answers: dict | None) -> dict[str, dict]:
    """The case document's ``answers``: each answer's code and its label in both languages."""
    return {answer.key: answer.as_document() for answer in present_answers(questions, answers)}


def _answer(key: str, raw: object, question: dict | None) -> Answer:
    parts = _parts(raw)
    label = (
        _each_language(lambda: list_separator().join(_part_text(p) for p in parts))
        if parts
        else _each_language(lambda: _shown(question, raw))
    )
    return Answer(
        key=key,
        code=raw,
        question=_question_text(key, question),
        label=label,
        known=question is not None,
        parts=parts,
    )


def _parts(raw: object) -> tuple[Answer, ...]:
    if isinstance(raw, dict):
        return tuple(_answer(str(k), v, None) for k, v in raw.items())
    if isinstance(raw, list):
        return tuple(_answer(str(n), v, None) for n, v in enumerate(raw, start=1))
    return ()


def _part_text(part: Answer) -> str:
    """A part inside its whole's label, in the language being rendered."""
    text = _shown(None, part.code) if not part.parts else "…"
    return f"{part.key}: {text}"


def _question_text(key: str, question: dict | None) -> dict[str, str]:
    label = (question or {}).get("label") or {}
    return {lang: str(label.get(lang) or label.get("zh") or key) for lang in LANGUAGES}


def _each_language(render: Callable[[], object]) -> dict[str, str]:
    """``render()`` once per language, so gettext and dates speak that language.

    Inside ``present_answers`` the labels are filled when every answer is known, all of
    one language under one ``force_locale``: switching locale is what costs, and a case
    document would otherwise switch twice for every answer.
    """
    labels: dict[str, str] = {}
    pending = _pending_labels.get()
    if pending is None:
        _render_labels([(labels, render)])
    else:
        pending.append((labels, render))
    return labels


def _render_labels(pending: list[tuple[dict[str, str], Callable[[], object]]]) -> None:
    for lang, locale in LANGUAGES.items():
        with force_locale(locale):
            for labels, render in pending:
                labels[lang] = label(render())


def _shown(question: dict | None, raw: object) -> str:
    if raw is None or raw == "":
        return _("未填写")
    kind = (question or {}).get("type")
    if kind == "yes-no" or isinstance(raw, bool):
        return _("是") if raw in ("yes", True) else _("否")
    if kind == "choice":
        choice = next((c for c in question["choices"] if c["value"] == raw), None)
        # An option the guide has since dropped is still shown, by its code.
        return _localized(choice["label"]) if choice else str(raw)
    if kind == "date":
        try:
            return long_date(date.fromisoformat(str(raw)))
        except ValueError:
            return str(raw)
    return str(raw)


def _localized(text: dict) -> str:
    # Not portal.i18n.localized: it keeps the request's language, and this renders each one.
    language = "en" if get_locale().language == "en" else "zh"
    return text.get(language) or text.get("zh", "")
