"""Search in everyday Chinese and in English.

The index lives in the database (``search_terms``), built by the content
loader, so every app instance answers the same. Chinese text is cut into
words by jieba and, because people rarely type the official word, also into
overlapping character pairs: 开饭店 finds 食品经营许可 through the keywords
the guide lists, and 驾照到期 finds a renewal through 驾照 and 到期.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.catalog import snapshot
from portal.catalog.models import SearchTerm, ServiceItem
from portal.extensions import db


@functools.cache
def _jieba():
    """jieba, imported on the first Chinese text: it costs a process about 22 MB, and the
    worker and most requests never cut a word."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+", re.UNICODE)
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "what",
        "where",
        "who",
        "do",
        "does",
        "can",
        "get",
        "need",
        "want",
    ]
)

# How much a hit counts, by where it is found in a guide.
FIELD_WEIGHTS = {
    "name": 10.0,
    "keywords": 8.0,
    "summary": 3.0,
    "life_events": 3.0,
    "department": 2.0,
    "conditions": 1.0,
    "materials": 1.0,
    "process": 0.5,
}
SINGLE_CHARACTER_FACTOR = 0.15
MAX_TERM_LENGTH = 64


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    return PUNCTUATION_AND_SPACE.sub(" ", text).strip()


def _stem(word: str) -> str:
    """A light plural fold, enough for guide titles: licences → licence, fees → fee."""
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _chinese_terms(run: str) -> Iterable[tuple[str, float]]:
    # Joining the run first means spacing inside Chinese never changes the terms.
    for word in _jieba().cut_for_search(run):
        if len(word) > 1:
            yield word, 1.0
    for first, second in itertools.pairwise(run):
        yield first + second, 1.0
    for character in run:
        yield character, SINGLE_CHARACTER_FACTOR


def terms(text: str) -> dict[str, float]:
    """The weighted terms of a text: what is indexed and what is looked up."""
    normalized = normalize(text)
    found: dict[str, float] = defaultdict(float)
    for run in CJK_RUN.findall(normalized.replace(" ", "")):
        for term, weight in _chinese_terms(run):
            found[term] = max(found[term], weight)
    for word in LATIN_WORD.findall(normalized):
        if word not in ENGLISH_STOP_WORDS:
            found[_stem(word)[:MAX_TERM_LENGTH]] = 1.0
    return dict(found)


def _both(value: dict | None) -> str:
    return " ".join(value.values()) if value else ""


def item_fields(item: ServiceItem) -> dict[str, str]:
    return {
        "name": _both(item.name) + " " + item.code,
        "keywords": " ".join(item.keywords.get("zh", []) + item.keywords.get("en", [])),
        "summary": _both(item.summary),
        "life_events": " ".join(_both(event.name) for event in item.life_events),
        "department": _both(item.department.name),
        "conditions": " ".join(_both(text) for text in item.conditions),
        "materials": " ".join(_both(material.name) for material in item.materials),
        "process": " ".join(_both(text) for text in item.process),
    }


def build_index(items: list[ServiceItem]) -> list[dict]:
    """Weight each term by field and by rarity across items (a plain tf-idf): one row of
    ``search_terms`` a term and item, as plain values for one bulk INSERT."""
    per_item: dict[int, dict[str, float]] = {}
    for item in items:
        weights: dict[str, float] = defaultdict(float)
        for field, text in item_fields(item).items():
            for term, factor in terms(text).items():
                weights[term] = max(weights[term], FIELD_WEIGHTS[field] * factor)
        per_item[item.id] = weights
    document_frequency: dict[str, int] = defaultdict(int)
    for weights in per_item.values():
        for term in weights:
            document_frequency[term] += 1
    total = max(len(per_item), 1)
    return [
        {
            "item_id": item_id,
            "term": term,
            "weight": weight * math.log(1 + total / document_frequency[term]),
        }
        for item_id, weights in per_item.items()
        for term, weight in weights.items()
    ]


@dataclass(frozen=True)
class SearchHit:
    item: ServiceItem
    score: float


def search(query: str, limit: int = 20) -> list[SearchHit]:
    """Items ranked by how well they match ``query``; retired items never appear."""
    wanted = terms(query)
    if not wanted:
        return []
    catalog = snapshot.current()
    rows = catalog.term_weights(list(wanted))
    # Single characters only add weight: an item must share a word or a character
    # pair with the query, or 量子纠缠 would "find" everything that has 子 in it.
    strong = {term for term, factor in wanted.items() if factor == 1.0}
    candidates = {item_id for item_id, term, _ in rows if term in strong} if strong else None
    scores: dict[int, float] = defaultdict(float)
    for item_id, term, weight in rows:
        if candidates is None or item_id in candidates:
            scores[item_id] += weight * wanted[term]
    if not scores:
        return []
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[: limit * 2]
    items = catalog.items_by_id  # current items only: retired ones never appear
    hits = [SearchHit(items[item_id], score) for item_id, score in ranked if item_id in items]
    return hits[:limit]


def indexed_term_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchTerm)) or 0
