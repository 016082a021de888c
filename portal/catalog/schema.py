"""The shape of the content in guides/, checked before anything is loaded.

Every text a citizen reads is bilingual: ``{zh: ..., en: ...}``. The models here
are pure pydantic so the validator runs without a database or an app.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=64)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9][0-9-]{2,19}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

CJK = re.compile(r"[\u4e00-\u9fff]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """One text in both languages; the Chinese is authoritative."""

    zh: NonEmpty
    en: NonEmpty

    @field_validator("zh")
    @classmethod
    def _zh_is_chinese(cls, value: str) -> str:
        if not CJK.search(value):
            raise ValueError("the zh text has no Chinese characters")
        return value


class Keywords(Strict):
    zh: list[NonEmpty] = []
    en: list[NonEmpty] = []


class CenterKind(StrEnum):
    CITY = "city"
    SUB = "sub"
    COUNTY = "county"


class Window(Strict):
    code: Code
    name: Text
    location: Text


class Center(Strict):
    slug: Slug
    kind: CenterKind
    name: Text
    address: Text
    hours: Text
    phone: Phone
    windows: list[Window] = Field(min_length=1)


class Department(Strict):
    slug: Slug
    name: Text
    phone: Phone


class Audience(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"


class LifeEvent(Strict):
    slug: Slug
    name: Text
    summary: Text
    audiences: list[Audience] = Field(min_length=1)


class FeeSector(StrEnum):
    """Who charges: the government through the center, or a public institution."""

    GOVERNMENT = "government"
    SCHOOL = "school"
    HOSPITAL = "hospital"
    WATER = "water"
    GAS = "gas"
    ELECTRICITY = "electricity"


class FeeItem(Strict):
    code: Code
    name: Text
    sector: FeeSector = FeeSector.GOVERNMENT
    institution: Text | None = None  # a school, hospital or utility; None for departments
    department: Slug | None = None  # the charging department, for government fees
    amount: Decimal | None = Field(default=None, ge=0)  # None where the standard is a formula
    standard: Text  # the full standard as published, e.g. "每件 10 元"
    unit: Text
    basis: Text  # the document that allows the fee, with its number
    collector: Text  # who receives the money (the center's fee window for government fees)

    @model_validator(mode="after")
    def _owner_is_named(self) -> FeeItem:
        if self.sector == FeeSector.GOVERNMENT and not self.department:
            raise ValueError("a government fee item needs its department")
        if self.sector != FeeSector.GOVERNMENT and not self.institution:
            raise ValueError("an institution's fee item needs its institution")
        return self


class FeeFile(Strict):
    fees: list[FeeItem] = Field(min_length=1)


class ItemKind(StrEnum):
    LICENSING = "licensing"  # 行政许可
    CONFIRMATION = "confirmation"  # 行政确认
    PAYMENT = "payment"  # 行政给付
    REGISTRATION = "registration"  # 其他行政权力 (登记、备案)
    PUBLIC_SERVICE = "public-service"  # 公共服务


class OperatingMode(StrEnum):
    PUBLIC = "public"  # 公开化运作
    MARKET = "market"  # 市场化运作
    INTERMEDIARY = "intermediary"  # 社会化运作


class LegalBasis(Strict):
    """A provision the item rests on: the law and its article, and optionally its words.

    ``excerpt`` is optional (a third of the guides cite an article without quoting it);
    the loader stores a provision without the keys it lacks, and ``presenters.Guide``
    gives pages every field, ``excerpt`` as None when it is missing.
    """

    law: Text
    article: Text
    excerpt: Text | None = None


class Material(Strict):
    code: Code
    name: Text
    originals: int = Field(ge=0, le=20)
    copies: int = Field(ge=0, le=20)
    required: bool
    source: Text  # who supplies it
    note: Text | None = None
    blank_form: str | None = None  # a file under guides/files/
    sample: str | None = None  # a filled-in sample under guides/files/


class QuestionType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long-text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes-no"


class Delivery(StrEnum):
    """What a choice means for how the result reaches the applicant."""

    POST = "post"  # asks for a postal address in China and a recipient on the next page
    WINDOW = "window"  # says where and when to collect it: the window's address and hours


class Choice(Strict):
    value: Slug
    label: Text
    delivery: Delivery | None = None


class Question(Strict):
    """One question of the online form; each is asked on a page of its own."""

    code: Slug
    label: Text
    hint: Text | None = None
    type: QuestionType
    required: bool = True
    # Used in the error message, so it says what to write: "in ten-thousand yuan, for example 50".
    # A plain example ("50") reads the same in both languages; a text one is bilingual.
    unit: Text | None = None
    example: Annotated[str, StringConstraints(min_length=1, max_length=60)] | Text | None = None
    max_length: int = Field(default=200, ge=1, le=2000)
    minimum: int | None = None
    maximum: int | None = None
    choices: list[Choice] = []

    @model_validator(mode="after")
    def _choices_fit_the_type(self) -> Question:
        if (self.type == QuestionType.CHOICE) != bool(self.choices):
            raise ValueError("a choice question needs choices, and only it has them")
        if self.unit is not None and self.type != QuestionType.NUMBER:
            raise ValueError("only a number question has a unit")
        deliveries = [c.delivery for c in self.choices if c.delivery is not None]
        if len(deliveries) != len(set(deliveries)):
            raise ValueError("two choices of one question mean the same delivery")
        return self


class Location(Strict):
    center: Slug
    window: Code


class ServiceItem(Strict):
    code: Code
    name: Text
    kind: ItemKind
    mode: OperatingMode
    department: Slug
    implementing_body: Text
    audiences: list[Audience] = Field(min_length=1)
    life_events: list[Slug] = []
    popular: bool = False
    online: bool
    immediate: bool
    statutory_limit: int = Field(ge=0, le=120)  # working days (Art. 82)
    promised_limit: int = Field(ge=0, le=120)  # working days; 0 for an immediate item
    visits: int = Field(ge=0, le=5)
    summary: Text
    legal_basis: list[LegalBasis] = Field(min_length=1)
    conditions: list[Text] = Field(min_length=1)
    materials: list[Material] = Field(min_length=1)
    process: list[Text] = Field(min_length=1)
    locations: list[Location] = Field(min_length=1)
    fees: list[Code] = []  # fee item codes; empty means free
    mode_note: Text | None = None  # how the market or intermediary stage runs
    consultation_phone: Phone
    complaint_phone: Phone = "12345"
    keywords: Keywords = Keywords()
    questions: list[Question] = []  # the item's own questions when filed online

    @model_validator(mode="after")
    def _limits_are_coherent(self) -> ServiceItem:
        if self.promised_limit > self.statutory_limit:
            raise ValueError(
                f"promised_limit ({self.promised_limit}) exceeds statutory_limit "
                f"({self.statutory_limit})"
            )
        if self.immediate and self.promised_limit != 0:
            raise ValueError(
                "an immediate item is completed the same day: promised_limit must be 0"
            )
        if not self.immediate and self.promised_limit == 0:
            raise ValueError("a promised item needs a promised_limit of at least 1 working day")
        codes = [m.code for m in self.materials]
        if len(codes) != len(set(codes)):
            raise ValueError("material codes repeat within the item")
        questions = [q.code for q in self.questions]
        if len(questions) != len(set(questions)):
            raise ValueError("question codes repeat within the item")
        if self.questions and not self.online:
            raise ValueError("questions are asked only of items that can be filed online")
        if self.mode != OperatingMode.PUBLIC and self.mode_note is None:
            raise ValueError("a market- or intermediary-operated item needs a mode_note")
        return self
