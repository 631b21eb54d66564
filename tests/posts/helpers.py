"""Writing register files for the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any


def write_csv(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
