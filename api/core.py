"""The API object: token authentication, the rate limit, errors in the request's language,
pagination and ETags shared by the routers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accounts.security import client_ip
from api import tokens
from assessments.services import BatchRejected, EditConflict, ValuesRefused


class RateLimited(Exception):
    def __init__(self, wait: int):
        self.wait = wait


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ntm_…`: the request acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.token_for(token)
        if found is None:
            return None
        wait = tokens.rate_limited(found)
        if wait:
            raise RateLimited(wait)
        request.user = found.user
        request.api_token = found
        return found


class Error(Schema):
    detail: str
    errors: dict[str, str] = {}


DESCRIPTION = """
API của hệ thống theo dõi Chương trình xây dựng nông thôn mới (NTM monitor).

Mỗi yêu cầu gửi `Authorization: Bearer <token>`. Token hành động với đúng vai trò và phạm vi
(đơn vị, cơ quan) của người dùng sở hữu nó. Lỗi được trả về bằng tiếng Việt hoặc tiếng Anh theo
`Accept-Language`.

The API of the NTM monitor. Every request sends `Authorization: Bearer <token>`; a token acts
with its user's role and units. Errors come in Vietnamese or English by `Accept-Language`.
"""


class Api(NinjaAPI):
    """NinjaAPI with a content ETag on every successful GET that did not set one itself (the
    heavy value reads set a cheaper one from their rows), answered 304 on If-None-Match; and
    operation ids that stay the same when a read module is split."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method != "GET" or response.status_code != 200 or response.has_header("ETag"):
            return response
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        if not_modified(request, etag):
            response = HttpResponse(status=304)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        if module.startswith("api.reads_"):
            module = "api.reads"
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = Api(
    title="NTM monitor API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
)


def _error(request, status: int, detail: str, errors=None, headers=None):
    response = api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, _("A valid, unexpired and unrevoked API token is required."),
                  headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    return _error(request, 429, _("Too many requests with this token: wait %(seconds)s seconds.")
                  % {"seconds": exc.wait}, headers={"Retry-After": str(exc.wait)})


@api.exception_handler(ValuesRefused)
def _values_refused(request, exc):
    return _error(request, 403, _("You may not change some of these values; nothing was saved."),
                  {k: str(v) for k, v in exc.errors.items()})


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(EditConflict)
def _conflict(request, exc):
    return _error(request, 409, _("Some values were changed by someone else; nothing was saved."),
                  {k: str(v) for k, v in exc.errors.items()})


@api.exception_handler(BatchRejected)
def _rejected(request, exc):
    return _error(request, 422, _("Nothing was saved: some values are not acceptable."),
                  {k: str(v) for k, v in exc.errors.items()})


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = {}
    for item in exc.errors:
        where = ".".join(str(part) for part in item.get("loc", ()))
        errors[where] = str(item.get("msg", ""))
    return _error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


def filtered(rows, **lookups):
    """`rows` filtered on every lookup whose value was given: an empty query parameter means any."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return rows.filter(**given) if given else rows


def ip_of(request) -> str | None:
    return client_ip(request)


def token_label(request) -> str:
    token = getattr(request, "api_token", None)
    return f"API token “{token.name}” #{token.pk}" if token else "API"


def as_json(value) -> str | bool | None:
    """A stored value as the API gives it: numbers as exact decimal strings ("12.5")."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


# Pagination over a stable order (the primary key). The big lists (values, evaluations, units)
# take a `cursor` (keyset: the rows after the last one seen, so a page never shifts when rows are
# added); `page` numbers remain for the small lists and old clients.
MAX_PAGE_SIZE = 10000
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
READ_ERRORS = {304: None, **ERRORS}
PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1 (ignored with `cursor`)")]
PageSize = Annotated[int, Query(ge=1, le=10_000, description="rows per page (at most 10,000)")]
Cursor = Annotated[str, Query(max_length=64, description=(
    "con trỏ trang tiếp theo (`next_cursor` của trang trước) / the `next_cursor` of the previous page: "
    "keyset pagination in a stable order (by id)"))]


class PageMeta(Schema):
    page: int
    page_size: int
    has_next: bool
    next_cursor: str | None = None


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"k{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id after which the page starts; HttpError 422 for anything not made by encode_cursor."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("k") or not text[1:].isascii() or not text[1:].isdigit() or len(text) > 20:
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise HttpError(422, _("The cursor is not valid: use the next_cursor of the previous page.")) from None


def page_size_of(page_size: int) -> int:
    return min(max(page_size, 1), MAX_PAGE_SIZE)


def paginate(queryset, page: int, page_size: int, cursor: str = "", key=lambda row: row.pk):
    """One page of `queryset` (ordered by pk): after the cursor when one is given, else the
    page-th. Returns (rows, has_next, page, page_size, next_cursor)."""
    page = max(page, 1)
    page_size = page_size_of(page_size)
    if cursor:
        after = decode_cursor(cursor)
        rows = list(queryset.filter(pk__gt=after)[:page_size + 1])
        page = 1
    else:
        start = (page - 1) * page_size
        rows = list(queryset[start:start + page_size + 1])
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    return rows, has_next, page, page_size, encode_cursor(key(rows[-1])) if has_next else None


def etag_for(*parts) -> str:
    text = json.dumps(parts, default=str, sort_keys=True)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_modified(request, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, "W/" + etag, "*") for tag in given.split(",")) if given else False
