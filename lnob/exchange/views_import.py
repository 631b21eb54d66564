"""Import screens: upload, the batch page (progress, dry-run summary, problems, differences),
commit, discard, and the error file. Thin adapters: the work is in lnob.exchange.services and
runs as background tasks; the batch page polls its progress with htmx while a task runs.

A batch outside the user's areas, or a user who may not edit the registry, answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, scope_ranges
from lnob.core.errors import NotFound
from lnob.core.sensitive import log_access, mask

from . import services
from .errorfile import error_file, error_tables
from .models import ImportBatch
from .reconcile import SENSITIVE
from .views_export import _download

PAGE = 200
NOT_FOUND = "未找到，或不在您的管辖范围内"


def batch_list(user: Any) -> Any:
    """Batches of the areas the user edits, and the user's own while they may still import there
    (a department officer sees only the feeds they uploaded; nobody keeps a batch after losing
    the role)."""
    mine = area_q("area_id", scope_ranges(user, Capability.EDIT_REGISTRY)) | (
        Q(created_by_id=user.pk) & area_q("area_id", services.import_ranges(user))
    )
    return ImportBatch.objects.filter(mine).select_related("created_by", "committed_by", "area")


def batch_get(user: Any, pk: int) -> ImportBatch:
    batch = batch_list(user).filter(pk=pk).first()
    if batch is None:
        raise Http404(_(NOT_FOUND))
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        files = request.FILES.getlist("files")
        try:
            as_of = dt.date.fromisoformat(request.POST["as_of"]) if request.POST.get("as_of") else None
        except ValueError:
            messages.error(request, _("生效日期格式不对，应为 YYYY-MM-DD"))
            return redirect("exchange_imports")
        try:
            batch = services.import_create(
                actor=request.user, files=[(f.name or "file", f) for f in files], as_of=as_of
            )
        except NotFound:
            raise Http404(_(NOT_FOUND)) from None
        except services.ImportRefused as refused:
            messages.error(request, str(refused.message))
            return redirect("exchange_imports")
        services.enqueue_validate(actor=request.user, batch=batch)
        return redirect("exchange_import", pk=batch.pk)
    if not services.import_ranges(request.user):
        raise Http404(_(NOT_FOUND))
    return render(request, "exchange/imports.html", {"batches": batch_list(request.user)[:50]})


def _issues(
    batch: ImportBatch, table: str, severity: str, sensitive: bool, limit: int | None = PAGE
) -> tuple[list[dict[str, Any]], int]:
    try:
        issues = pl.read_parquet(batch.folder / services.ISSUES)
    except OSError:
        return [], 0
    if table:
        issues = issues.filter(pl.col("table") == table)
    if severity:
        issues = issues.filter(pl.col("severity") == severity)
    rows = (issues if limit is None else issues.head(limit)).to_dicts()
    if not sensitive:
        for row in rows:
            if row["column"] in SENSITIVE and row["value"]:
                row["value"] = mask(row["value"])
    return rows, issues.height


def _changes(batch: ImportBatch, table: str) -> tuple[list[dict[str, Any]], int]:
    try:
        changes = pl.read_parquet(batch.folder / services.CHANGES)
    except OSError:
        return [], 0
    if table:
        changes = changes.filter(pl.col("table") == table)
    rows = changes.head(PAGE).to_dicts()
    for row in rows:  # persons, memberships and alerts are keyed by the ID number
        if row["table"] in {"persons", "memberships", "alerts"} and row["key"]:
            row["key"] = mask(row["key"])
    return rows, changes.height


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get(request.user, pk)
    g = request.GET
    table, severity = g.get("table", ""), g.get("severity", "")
    issues, issue_count = _issues(batch, table, severity, sensitive=False)
    changes, change_count = _changes(batch, table)
    return render(
        request,
        "exchange/import_detail.html",
        {
            "batch": batch,
            "tables": batch.summary.get("tables", {}),
            "counts": batch.counts,
            "issues": issues,
            "issue_count": issue_count,
            "changes": changes,
            "change_count": change_count,
            "page": PAGE,
            "table": table,
            "severity": severity,
            "error_tables": [t for t in error_tables(batch) if may_download_errors(request.user, batch, t)]
            if batch.status != ImportBatch.Status.QUEUED
            else [],
            "may_commit": services.may_commit(request.user, batch)
            and (batch.status == ImportBatch.Status.VALIDATED or services.stuck(batch)),
            "stuck": services.stuck(batch),
            "progress": batch.progress(),
        },
    )


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress box, polled by htmx every second; once the step is over, the whole page
    reloads (HX-Refresh) to show the outcome."""
    batch = batch_get(request.user, pk)
    response = render(
        request, "exchange/_import_progress.html", {"batch": batch, "progress": batch.progress()}
    )
    if not batch.running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get(request.user, pk)
    valid_only = request.POST.get("mode") == ImportBatch.Mode.VALID_ONLY
    try:
        services.enqueue_commit(actor=request.user, batch=batch, valid_only=valid_only)
    except NotFound:
        raise Http404(_(NOT_FOUND)) from None
    except services.ImportRefused as refused:
        messages.error(request, str(refused.message))
    return redirect("exchange_import", pk=batch.pk)


@login_required
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get(request.user, pk)
    try:
        services.import_discard(actor=request.user, batch=batch)
    except NotFound:
        raise Http404(_(NOT_FOUND)) from None
    except services.ImportRefused as refused:
        messages.error(request, str(refused.message))
    return redirect("exchange_import", pk=batch.pk)


def may_download_errors(user: Any, batch: ImportBatch, table: str) -> bool:
    """A department feed's error file holds the people the county does not know (often residents
    of other counties): it goes back to the department that sent it, not to the county's editors."""
    return table != "alerts" or batch.created_by_id == user.pk


@login_required
@require_GET
def batch_errors(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    """The error file: the uploader's own rows, ID numbers and phones included, so its download
    is an ACCESS entry in the audit trail like any export of personal data."""
    batch = batch_get(request.user, pk)
    if table not in error_tables(batch) or not may_download_errors(request.user, batch, table):
        raise Http404(table)
    data, name, fmt = error_file(batch, table)
    log_access(
        actor=request.user,
        instance=batch,
        changes={"error_file": [None, name]},
        additional_data={**batch.get_additional_data(), "export": "import_errors", "table": table},
    )
    if fmt == "parquet":
        response = HttpResponse(data, content_type="application/vnd.apache.parquet")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _download(data, fmt, name)
