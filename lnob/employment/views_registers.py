"""Screens for the registers (lnob.employment.registers): upload a file, check it, apply it, and
download a register or its empty template."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lnob.core.errors import NotFound

from . import registers

MAX_UPLOAD = 20 * 1024 * 1024


@login_required
def register_index(request: HttpRequest) -> HttpResponse:
    rows = registers.available(request.user)
    if not rows:
        raise Http404(_("未找到，或不在您的管辖范围内"))
    return render(request, "employment/registers.html", {"rows": rows})


@login_required
def register_upload(request: HttpRequest, name: str) -> HttpResponse:
    try:
        register = registers.get(name)
    except NotFound:
        raise Http404(name) from None
    if not registers.may_import(request.user, register):
        raise Http404(name)
    context: dict[str, object] = {"register": register}
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is None:
        context["problems"] = [registers.Problem("", None, "file", "", _("请选择要上传的文件"))]
    elif request.method == "POST" and upload is not None:
        if upload.size and upload.size > MAX_UPLOAD:
            context["problems"] = [registers.Problem(upload.name or "", None, "", "", _("文件超过 20 MB"))]
        else:
            context.update(_check(request, name, upload, commit=request.POST.get("commit") == "1"))
    status = 422 if context.get("problems") else 200
    return render(request, "employment/register_upload.html", context, status=status)


def _check(request: HttpRequest, name: str, upload: UploadedFile, *, commit: bool) -> dict[str, object]:
    suffix = Path(upload.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            result = registers.import_file(
                actor=request.user,
                name=name,
                path=tmp.name,
                file=upload.name or "file",
                commit=commit,
            )
        except registers.Refused as refused:
            return {"problems": refused.problems}
    return {"result": result}


@login_required
def register_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    try:
        data, filename = registers.export_file(actor=request.user, name=name, fmt=fmt)
    except NotFound:
        raise Http404(name) from None
    from lnob.exchange.views_export import CONTENT_TYPES

    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def register_template(request: HttpRequest, name: str) -> HttpResponse:
    from lnob.exchange.templates_xlsx import template_xlsx

    try:
        register = registers.get(name)
    except NotFound:
        raise Http404(name) from None
    if not registers.may_import(request.user, register):
        raise Http404(name)
    response = HttpResponse(
        template_xlsx(register.table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-template.xlsx"'
    return response
