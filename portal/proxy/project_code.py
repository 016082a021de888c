"""The national investment project code (全国投资项目在线审批监管平台 项目代码).

Its structure is GB/T 40058-2021 (全国固定资产投资项目代码编码规范, following
发改投资〔2020〕1439号 《固定资产投资项目代码管理规范》): 24 characters in five
segments joined by hyphens, ``TTTT-RRRRRR-DD-PP-NNNNNC``:

- ``TTTT`` time code: the year (last two digits) and month the code was assigned;
- ``RRRRRR`` region code: the GB/T 2260 division of the project's location (430400 Hengyang);
- ``DD`` the central business guidance department (中央业务指导部门) code;
- ``PP`` the project type code;
- ``NNNNN`` a five-digit random code and ``C`` one check character.

The standard has a check character (§4.7), but the way it is computed is not in the public
texts this code was written from, so this module does not compute or verify it: it checks
the structure only, and a generated code's last character is not a check character. We do
not invent an algorithm that real codes would fail. docs/proxy.md says what to do before a
deployment relies on it. The national platform (§5) is what assigns real codes; a code
made here is the portal's own reference for a project, in the national structure, until the
platform's code is recorded.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

PATTERN = re.compile(r"^([0-9]{2})([0-9]{2})-([0-9]{6})-([0-9]{2})-([0-9]{2})-([0-9]{6})$")
HENGYANG = "430400"
# GB/T 2260 province-level prefixes of mainland China (the first two digits of a region code).
PROVINCES = frozenset(
    re.findall(
        "[0-9]{2}",
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 "
        "42 43 44 45 46 50 51 52 53 54 61 62 63 64 65",
    )
)


class ProjectCodeError(ValueError):
    """Not a code in the national structure; the message says which part is wrong."""


@dataclass(frozen=True)
class ProjectCode:
    year: int  # four digits, from the two of the time code
    month: int
    region: str
    department: str
    project_type: str
    tail: str  # the five-digit random code and the check character

    def __str__(self) -> str:
        return (
            f"{self.year % 100:02d}{self.month:02d}-{self.region}-{self.department}-"
            f"{self.project_type}-{self.tail}"
        )


def parse(text: str) -> ProjectCode:
    """The code's parts, or ``ProjectCodeError`` naming the part that is wrong."""
    match = PATTERN.match(text or "")
    if not match:
        raise ProjectCodeError(
            "a project code is 24 characters: TTTT-RRRRRR-DD-PP-NNNNNC, digits and hyphens"
        )
    yy, mm, region, department, project_type, tail = match.groups()
    if not 1 <= int(mm) <= 12:
        raise ProjectCodeError(f"the time code {yy}{mm} has no month {mm}")
    if region[:2] not in PROVINCES:
        raise ProjectCodeError(f"the region code {region} is not a GB/T 2260 division")
    if department == "00" or project_type == "00":
        raise ProjectCodeError("the department and project type codes are never 00")
    return ProjectCode(2000 + int(yy), int(mm), region, department, project_type, tail)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except ProjectCodeError:
        return False
    return True


def generate(
    assigned_on: date,
    department: str,
    project_type: str,
    *,
    region: str = HENGYANG,
    taken: Callable[[str], bool] = lambda code: False,
    tries: int = 20,
) -> str:
    """A new code in the national structure that ``taken`` does not know yet.

    A million tails a month per region and department make a clash rare; ``taken`` (the
    caller's look-up, backed by a unique constraint) decides, and a unique index on the
    column is what finally guarantees it when two acceptances race.
    """
    for _attempt in range(tries):
        tail = f"{secrets.randbelow(10**6):06d}"
        code = (
            f"{assigned_on.year % 100:02d}{assigned_on.month:02d}-{region}-{department}-"
            f"{project_type}-{tail}"
        )
        parse(code)  # the parts passed in must make a well-formed code
        if not taken(code):
            return code
    raise RuntimeError(f"no free project code after {tries} tries")
