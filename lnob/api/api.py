"""REST API (OpenAPI at /api/docs). Endpoints are thin: schema in, service or selector, schema out.

Authentication: the browser session, or `Authorization: Bearer <token>` from `lnob token USER`.
Errors: 404 for anything missing or outside the caller's areas; 422 with {field, value, message}
when a write is refused (nothing is saved).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, NinjaAPI, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth

from lnob.areas import selectors as area_selectors
from lnob.areas.roles import Capability
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.core.models import ApiToken, hash_token
from lnob.core.sensitive import SENSITIVE_FIELDS, record_access
from lnob.registry import selectors, services
from lnob.registry.models import Membership

from . import schemas as s


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user").filter(digest=hash_token(token), revoked=False).first()
        )
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user


api = NinjaAPI(title="LNOB API", version="1", urls_namespace="api", auth=[BearerToken(), django_auth])
registry = Router(tags=["registry"])


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(DomainError)
def refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=422)


@registry.get("/households", response=list[s.HouseholdRow])
@paginate(LimitOffsetPagination)
def list_households(request: HttpRequest, filters: Query[s.HouseholdFilters]) -> Any:
    return selectors.household_list(user=request.user, **filters.model_dump(exclude_none=True))


@registry.get("/households/{number}", response=s.HouseholdOut)
def get_household(request: HttpRequest, number: str, as_of: dt.date | None = None) -> Any:
    return s.HouseholdOut.from_view(selectors.household_detail(user=request.user, number=number, as_of=as_of))


@registry.get("/persons/{pk}", response=s.PersonOut)
def get_person(request: HttpRequest, pk: int, as_of: dt.date | None = None, reveal: bool = False) -> Any:
    """`reveal=true` returns the sensitive fields to roles that may see them, and audits the view."""
    view = selectors.person_detail(user=request.user, pk=pk, as_of=as_of)
    shown = reveal and view.can_view_sensitive
    if shown:
        record_access(actor=request.user, instance=view.person, fields=SENSITIVE_FIELDS, reason="api")
    return s.PersonOut.from_view(view, revealed=shown)


@registry.post("/households", response={201: s.HouseholdOut})
def create_household(request: HttpRequest, body: s.HouseholdIn) -> Any:
    village = area_selectors.area_get(
        user=request.user, code=body.village, capability=Capability.EDIT_REGISTRY
    )
    household = services.household_create(
        actor=request.user,
        village=village,
        head=services.PersonData(**body.head.model_dump()),
        **body.model_dump(exclude={"village", "head"}),
    )
    view = selectors.household_detail(user=request.user, number=household.number)
    return Status(201, s.HouseholdOut.from_view(view))


def _editable(request: HttpRequest, number: str) -> Any:
    return selectors.household_get(user=request.user, number=number, capability=Capability.EDIT_REGISTRY)


def _member(household: Any, person_id: int | None) -> Any:
    if person_id is None:
        return None
    m = Membership.objects.filter(household=household, person_id=person_id).select_related("person").first()
    if m is None:
        raise DomainError("person", person_id, Msg.NOT_A_MEMBER)
    return m.person


@registry.post("/households/{number}/members", response={201: s.MembershipOut})
def add_member(request: HttpRequest, number: str, body: s.MemberIn) -> Any:
    household = _editable(request, number)
    m = services.member_add(
        actor=request.user,
        household=household,
        person=services.PersonData(**body.person.model_dump()),
        relation=body.relation,
        joined=body.joined,
        join_reason=body.join_reason,
    )
    return Status(201, m)


@registry.post("/households/{number}/incomes", response={201: s.CreatedOut})
def add_income(request: HttpRequest, number: str, body: s.IncomeIn) -> Any:
    household = _editable(request, number)
    rec = services.income_record(
        actor=request.user,
        household=household,
        person=_member(household, body.person),
        **body.model_dump(exclude={"person"}),
    )
    return Status(201, {"id": rec.pk})


@registry.post("/households/{number}/expenditures", response={201: s.CreatedOut})
def add_expenditure(request: HttpRequest, number: str, body: s.ExpenditureIn) -> Any:
    household = _editable(request, number)
    rec = services.expenditure_record(
        actor=request.user,
        household=household,
        person=_member(household, body.person),
        **body.model_dump(exclude={"person"}),
    )
    return Status(201, {"id": rec.pk})


@registry.post("/households/{number}/shocks", response={201: s.CreatedOut})
def add_shock(request: HttpRequest, number: str, body: s.ShockIn) -> Any:
    household = _editable(request, number)
    rec = services.shock_record(
        actor=request.user,
        household=household,
        person=_member(household, body.person),
        **body.model_dump(exclude={"person"}),
    )
    return Status(201, {"id": rec.pk})


imports = Router(tags=["imports"])


def _batch(request: HttpRequest, pk: int) -> Any:
    from lnob.exchange.views_import import batch_list

    batch = batch_list(request.user).filter(pk=pk).first()
    if batch is None:
        raise NotFound()
    return batch


@imports.post("/imports", response={202: s.ImportOut})
def create_import(
    request: HttpRequest,
    files: list[UploadedFile] = File(...),  # noqa: B008 django-ninja's way of declaring uploads
    as_of: dt.date | None = Form(None),  # noqa: B008
) -> Any:
    """Upload exchange-format files (docs/exchange-format.md). Validation runs in the background:
    poll `GET /imports/{id}` until `status` is `validated` (or `refused`), then read the summary
    and the issues, and commit."""
    from lnob.exchange import services as imports_services

    batch = imports_services.import_create(
        actor=request.user, files=[(f.name or "file", f) for f in files], as_of=as_of
    )
    imports_services.enqueue_validate(actor=request.user, batch=batch)
    batch.refresh_from_db()
    return Status(202, s.ImportOut.from_batch(batch, request.user))


@imports.get("/imports/{pk}", response=s.ImportOut)
def get_import(request: HttpRequest, pk: int) -> Any:
    return s.ImportOut.from_batch(_batch(request, pk), request.user)


@imports.get("/imports/{pk}/issues", response=list[s.ImportIssue])
@paginate(LimitOffsetPagination)
def import_issues(request: HttpRequest, pk: int, table: str = "", severity: str = "") -> Any:
    """Every problem found: file, row, column, value (ID numbers, phones and bank accounts
    masked; the error file has them), message and severity (error, review, warning)."""
    from lnob.exchange.views_import import _issues

    rows, _count = _issues(_batch(request, pk), table, severity, sensitive=False, limit=None)
    return rows


@imports.post("/imports/{pk}/commit", response={202: s.ImportOut})
def commit_import(request: HttpRequest, pk: int, body: s.ImportCommitIn) -> Any:
    """Commit a validated batch: all rows in one transaction, or with `valid_only` the rows
    without errors. Runs in the background; poll the batch until `committed`."""
    from lnob.exchange import services as imports_services

    batch = _batch(request, pk)
    imports_services.enqueue_commit(actor=request.user, batch=batch, valid_only=body.valid_only)
    batch.refresh_from_db()
    return Status(202, s.ImportOut.from_batch(batch, request.user))


api.add_router("/v1", registry)
api.add_router("/v1", imports)

from .monitoring import router as monitoring  # noqa: E402  after the exception handlers above

api.add_router("/v1", monitoring)

from lnob.employment.api import router as employment  # noqa: E402

api.add_router("/v1/employment", employment)


# the employment channels' routers, each under its own prefix (docs/api.md)
def _channel_routers() -> None:
    import importlib
    import importlib.util

    from django.apps import apps

    for channel in ("workshops", "workstations", "fairs", "posts", "training", "loans", "subsidies"):
        name = f"lnob.employment.{channel}.api"
        if apps.is_installed(f"lnob.employment.{channel}") and importlib.util.find_spec(name):
            api.add_router(f"/v1/employment/{channel}", importlib.import_module(name).router)


_channel_routers()

from django.apps import apps as _apps  # noqa: E402

if _apps.is_installed("lnob.measures"):
    from lnob.measures.api import router as measures

    api.add_router("/v1/measures", measures)

if _apps.is_installed("lnob.matching"):
    from lnob.matching.api import router as matching

    api.add_router("/v1/matching", matching)
