"""Writing register files for the tests, and reading the problems back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from lnob.employment import registers


def write(tmp_path: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    path = tmp_path / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load(actor: Any, name: str, path: Path) -> registers.Result:
    return registers.import_file(actor=actor, name=name, path=path)


def refused(actor: Any, name: str, path: Path) -> list[tuple[int | None, str, str]]:
    """(row, column, value) of each problem; the file must be refused."""
    try:
        registers.import_file(actor=actor, name=name, path=path)
    except registers.Refused as e:
        assert all(p.file == path.name for p in e.problems)
        return [(p.row, p.column, p.value) for p in e.problems]
    raise AssertionError("the file was applied")


def messages(actor: Any, name: str, path: Path) -> list[str]:
    try:
        registers.import_file(actor=actor, name=name, path=path)
    except registers.Refused as e:
        return [p.message for p in e.problems]
    raise AssertionError("the file was applied")


def round_trip(actor: Any, name: str, tmp_path: Path) -> tuple[bytes, registers.Result]:
    """Export the register, import the export unchanged: nothing may change."""
    data, _filename = registers.export_file(actor=actor, name=name, fmt="csv")
    path = tmp_path / f"{name}-export.csv"
    path.write_bytes(data)
    return data, registers.import_file(actor=actor, name=name, path=path)
