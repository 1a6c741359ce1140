"""The API object: token authentication, the rate limit, errors in the request's language,
pagination and ETags shared by the routers."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
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

api = NinjaAPI(
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


def ip_of(request) -> str | None:
    return client_ip(request)


def token_label(request) -> str:
    token = getattr(request, "api_token", None)
    return f"API token “{token.name}” #{token.pk}" if token else "API"


# Pagination: page numbers over a stable order (primary key or a unique key).
MAX_PAGE_SIZE = 10000


def paginate(queryset, page: int, page_size: int):
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    start = (page - 1) * page_size
    rows = list(queryset[start:start + page_size + 1])
    return rows[:page_size], len(rows) > page_size, page, page_size


def etag_for(*parts) -> str:
    text = json.dumps(parts, default=str, sort_keys=True)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_modified(request, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, "W/" + etag, "*") for tag in given.split(",")) if given else False
