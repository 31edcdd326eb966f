"""The report format as immutable objects: sections, tables, rows, columns, computed cells and rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.numbers import CellKind

CellKey = tuple[str, str, str]
"""A cell address: (table id, row id, column id)."""


@dataclass(frozen=True)
class Column:
    """A leaf column that holds numbers."""

    id: str
    label: str
    short: str
    kind: CellKind = CellKind.COUNT
    places: int = 0
    span: int = 1
    sum: tuple[str, ...] = ()

    @property
    def computed(self) -> bool:
        return bool(self.sum)


@dataclass(frozen=True)
class HeaderNode:
    """A node of a multi-level column header; leaves carry their column."""

    id: str
    label: str
    children: tuple[HeaderNode, ...] = ()
    column: Column | None = None

    def leaves(self) -> Iterator[HeaderNode]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True)
class RowNode:
    """A node of the row-label tree; leaves are data rows."""

    id: str
    label: str
    short: str
    children: tuple[RowNode, ...] = ()
    sum: tuple[str, ...] = ()

    def leaves(self) -> Iterator[RowNode]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True)
class Row:
    """A data row with the columns it has (all of the table's in a matrix, its group's otherwise)."""

    id: str
    label: str
    short: str
    columns: tuple[Column, ...]
    sum: tuple[str, ...] = ()
    group: str | None = None

    @property
    def computed(self) -> bool:
        return bool(self.sum)


@dataclass(frozen=True)
class Group:
    """A caption block of a grouped table (表二): “第二十条第（X）项” with its own columns."""

    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """One official table, either a matrix (表三, 表四) or a grouped table (表二)."""

    id: str
    name: str
    type: str
    rows: tuple[Row, ...]
    column_tree: tuple[HeaderNode, ...] = ()
    row_tree: tuple[RowNode, ...] = ()
    groups: tuple[Group, ...] = ()
    corner: tuple[str, str] | None = None
    label_header: str = ""
    grid_columns: int = 0
    row_labels: bool = True
    _rows_by_id: dict[str, Row] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._rows_by_id.update({r.id: r for r in self.rows})

    def expand(self, ref: str, axis: str) -> tuple[str, ...]:
        """The leaf row (axis "row") or column ids that a group id stands for; a leaf stands for itself."""
        stack: list[RowNode | HeaderNode] = list(self.row_tree if axis == "row" else self.column_tree)
        while stack:
            node = stack.pop()
            if node.id == ref:
                return tuple(leaf.id for leaf in node.leaves())
            stack.extend(node.children)
        return (ref,)

    def row(self, row_id: str) -> Row:
        return self._rows_by_id[row_id]

    def has_row(self, row_id: str) -> bool:
        return row_id in self._rows_by_id

    def column(self, row_id: str, column_id: str) -> Column | None:
        row = self._rows_by_id.get(row_id)
        if row is None:
            return None
        for col in row.columns:
            if col.id == column_id:
                return col
        return None

    def keys(self) -> Iterator[CellKey]:
        """Every cell of the table in reading order."""
        for row in self.rows:
            for col in row.columns:
                yield (self.id, row.id, col.id)

    def is_computed(self, row_id: str, column_id: str) -> bool:
        row = self._rows_by_id[row_id]
        col = self.column(row_id, column_id)
        return row.computed or (col is not None and col.computed)

    @property
    def leaf_columns(self) -> tuple[Column, ...]:
        """The columns of a matrix table (every row shares them)."""
        return self.rows[0].columns if self.type == "matrix" else ()


@dataclass(frozen=True)
class Guidance:
    """A hint shown beside a text section (what the official notice asks it to cover)."""

    id: str
    label: str
    text: str


@dataclass(frozen=True)
class Section:
    """One of the six numbered sections of the report."""

    id: str
    number: str
    label: str
    kind: str
    table: str | None = None
    guidance: tuple[Guidance, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}{self.label}"


@dataclass(frozen=True)
class MetaField:
    """A field of the report's metadata (机关名称, 年度, 发布日期 …)."""

    id: str
    label: str
    kind: str
    required: bool = False
    hint: str = ""
    places: int = 2


@dataclass(frozen=True)
class Rule:
    """A consistency rule; `params` keeps the rule's type-specific data as written in the file."""

    id: str
    title: str
    type: str
    severity: str
    message: str
    cross_year: bool = False
    params: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, eq=False)
class Template:
    """A complete official report format loaded from one file."""

    id: str
    name: str
    basis: str
    year_from: int
    year_to: int | None
    title: str
    meta: tuple[MetaField, ...]
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    source: Path | None = None

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def section_of_table(self, table_id: str) -> Section:
        for section in self.sections:
            if section.table == table_id:
                return section
        raise KeyError(table_id)

    def meta_field(self, field_id: str) -> MetaField:
        for meta in self.meta:
            if meta.id == field_id:
                return meta
        raise KeyError(field_id)

    def column(self, key: CellKey) -> Column | None:
        table = self.tables.get(key[0])
        return None if table is None else table.column(key[1], key[2])

    def has_cell(self, key: CellKey) -> bool:
        return self.column(key) is not None

    def keys(self) -> Iterator[CellKey]:
        for table in self.tables.values():
            yield from table.keys()

    def input_keys(self) -> Iterator[CellKey]:
        """Cells a person fills in (everything but the computed totals)."""
        for table in self.tables.values():
            for key in table.keys():
                if not table.is_computed(key[1], key[2]):
                    yield key

    def applies_to(self, year: int) -> bool:
        return year >= self.year_from and (self.year_to is None or year <= self.year_to)

    def report_title(self, organ: str, year: int | str) -> str:
        return self.title.replace("{organ}", organ).replace("{year}", str(year))
