"""Read guides/ into checked content, or say exactly which file, item and field is wrong.

Nothing here touches the database: ``read_content`` either returns a complete,
cross-checked ``Content`` or raises ``ContentError``. The loader writes only
after this has passed, so a bad file can never leave half a catalog behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from portal.catalog import schema

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file is wrong. The message names the file, the item and the field."""

    def __init__(self, file: Path | str, item: str | None, field: str | None, problem: str):
        self.file, self.item, self.field, self.problem = str(file), item, field, problem
        where = self.file
        if item:
            where += f", item {item}"
        if field:
            where += f", field {field}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Content:
    centers: list[schema.Center]
    departments: list[schema.Department]
    life_events: list[schema.LifeEvent]
    fees: list[schema.FeeItem]
    items: list[schema.ServiceItem]
    synonyms: dict[str, list[str]]
    files_dir: Path


# libyaml's safe loader where PyYAML was built with it: the same documents, parsed about
# ten times faster (the pure-Python parser took a quarter of every content load).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ContentError(path, None, None, f"not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, None, "not UTF-8 text") from exc


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _parse(path: Path, data: object, model: type[M], item: str | None = None) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ContentError(path, item, _field_path(first["loc"]), first["msg"]) from exc


def _parse_list(path: Path, key: str, model: type[M]) -> list[M]:
    data = _load_yaml(path)
    if not isinstance(data, dict) or key not in data:
        raise ContentError(path, None, key, f"the file must hold a list under '{key}'")
    try:
        return TypeAdapter(list[model]).validate_python(data[key])  # type: ignore[valid-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        entry = data[key][loc[0]] if isinstance(loc[0], int) else None
        name = entry.get("slug") or entry.get("code") if isinstance(entry, dict) else None
        raise ContentError(path, name, _field_path((key, *loc)), first["msg"]) from exc


def _unique(path: Path, kind: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ContentError(path, key, "code" if kind != "slug" else "slug", f"{kind} repeats")
        seen.add(key)


def _read_items(items_dir: Path) -> list[tuple[Path, schema.ServiceItem]]:
    items = []
    for path in sorted(items_dir.glob("*.yaml")):
        data = _load_yaml(path)
        code = data.get("code") if isinstance(data, dict) else None
        items.append((path, _parse(path, data, schema.ServiceItem, code)))
    if not items:
        raise ContentError(items_dir, None, None, "no service items found")
    return items


def _read_fees(root: Path) -> list[tuple[Path, schema.FeeItem]]:
    fees = []
    for folder in ("fees", "disclosures"):
        for path in sorted((root / folder).glob("*.yaml")):
            fees.extend((path, fee) for fee in _parse(path, _load_yaml(path), schema.FeeFile).fees)
    return fees


def _read_synonyms(path: Path) -> dict[str, list[str]]:
    if not path.exists():
        return {}
    data = _load_yaml(path)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(w, str) for w in v)
        for k, v in data.items()
    ):
        raise ContentError(path, None, None, "synonyms map an everyday word to a list of words")
    return data


def _check_references(root: Path, content: Content, item_paths: dict[str, Path]) -> None:
    centers = {c.slug: {w.code for w in c.windows} for c in content.centers}
    departments = {d.slug for d in content.departments}
    events = {e.slug for e in content.life_events}
    fees = {f.code for f in content.fees}
    for fee in content.fees:
        if fee.department and fee.department not in departments:
            raise ContentError(root / "fees", fee.code, "department", "no such department")
    for item in content.items:
        path = item_paths[item.code]
        if item.department not in departments:
            raise ContentError(path, item.code, "department", f"no department '{item.department}'")
        for i, slug in enumerate(item.life_events):
            if slug not in events:
                raise ContentError(path, item.code, f"life_events.{i}", f"no life event '{slug}'")
        for i, code in enumerate(item.fees):
            if code not in fees:
                raise ContentError(path, item.code, f"fees.{i}", f"no fee item '{code}'")
        for i, place in enumerate(item.locations):
            if place.center not in centers:
                raise ContentError(
                    path, item.code, f"locations.{i}.center", f"no center '{place.center}'"
                )
            if place.window not in centers[place.center]:
                raise ContentError(
                    path,
                    item.code,
                    f"locations.{i}.window",
                    f"center '{place.center}' has no window '{place.window}'",
                )
        for i, material in enumerate(item.materials):
            for field in ("blank_form", "sample"):
                name = getattr(material, field)
                if name and not _is_plain_file(content.files_dir, name):
                    raise ContentError(
                        path,
                        item.code,
                        f"materials.{i}.{field}",
                        f"no file '{name}' in guides/files/",
                    )


def _is_plain_file(folder: Path, name: str) -> bool:
    candidate = (folder / name).resolve()
    return candidate.parent == folder.resolve() and candidate.is_file()


def read_content(root: Path) -> Content:
    """Read and cross-check every file in ``root`` (the guides/ folder)."""
    root = Path(root)
    centers = _parse_list(root / "centers.yaml", "centers", schema.Center)
    departments = _parse_list(root / "departments.yaml", "departments", schema.Department)
    life_events = _parse_list(root / "life_events.yaml", "life_events", schema.LifeEvent)
    fee_pairs = _read_fees(root)
    item_pairs = _read_items(root / "items")
    _unique(root / "centers.yaml", "slug", [c.slug for c in centers])
    _unique(root / "departments.yaml", "slug", [d.slug for d in departments])
    _unique(root / "life_events.yaml", "slug", [e.slug for e in life_events])
    for path, fee in fee_pairs:
        _unique(path, "fee code", [f.code for _, f in fee_pairs if f.code == fee.code])
    for path, item in item_pairs:
        _unique(path, "item code", [i.code for _, i in item_pairs if i.code == item.code])
    content = Content(
        centers=centers,
        departments=departments,
        life_events=life_events,
        fees=[fee for _, fee in fee_pairs],
        items=[item for _, item in item_pairs],
        synonyms=_read_synonyms(root / "synonyms.yaml"),
        files_dir=root / "files",
    )
    _check_references(root, content, {item.code: path for path, item in item_pairs})
    return content
