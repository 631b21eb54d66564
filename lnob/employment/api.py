"""The employment ledger's registers over the API (docs/api.md): list them, import a file
(checked whole; applied in one transaction or refused with every problem), export one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from . import registers

router = Router(tags=["employment"])


class RegisterOut(Schema):
    name: str
    zh: str
    key: list[str]
    columns: list[str]
    may_import: bool
    may_export: bool


class RegisterResultOut(Schema):
    name: str
    file: str
    rows: int
    created: int
    updated: int
    committed: bool


class ProblemOut(Schema):
    file: str
    row: int | None
    column: str
    value: str
    message: str


class RefusedOut(Schema):
    detail: str
    problems: list[ProblemOut]


@router.get("/registers", response=list[RegisterOut])
def list_registers(request: HttpRequest) -> Any:
    return [
        RegisterOut(
            name=r.name,
            zh=r.table.zh,
            key=list(r.table.key),
            columns=[c.name for c in r.table.columns],
            may_import=imp,
            may_export=exp,
        )
        for r, imp, exp in registers.available(request.user)
    ]


@router.post("/registers/{name}", response={200: RegisterResultOut, 422: RefusedOut})
def import_register(
    request: HttpRequest,
    name: str,
    file: UploadedFile = File(...),  # noqa: B008 django-ninja's way of declaring uploads
    check_only: bool = Form(False),
) -> Any:
    """Import one register file (docs/registers-format.md). 200: applied (or, with `check_only`,
    checked and not applied); 422: refused, nothing applied, with every problem by file, row,
    column and value; 404: no such register, or not one the caller may import."""
    with tempfile.NamedTemporaryFile(suffix=Path(file.name or "").suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            result = registers.import_file(
                actor=request.user, name=name, path=tmp.name, file=file.name or "file", commit=not check_only
            )
        except registers.Refused as refused:
            return Status(
                422,
                RefusedOut(
                    detail=f"refused: {len(refused.problems)} problem(s); nothing was applied",
                    problems=[ProblemOut(**p.as_dict()) for p in refused.problems],
                ),
            )
    return result.as_dict()


@router.get("/registers/{name}/export")
def export_register(request: HttpRequest, name: str, format: str = "csv") -> HttpResponse:
    """The register's rows the caller may see, in its import format (`format`: csv or xlsx)."""
    from lnob.exchange.views_export import CONTENT_TYPES

    data, filename = registers.export_file(actor=request.user, name=name, fmt=format)
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
