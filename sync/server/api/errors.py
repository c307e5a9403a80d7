"""Every error leaves the server as {"error": code, "message": text[, "fields", "action"]}."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sync import protocol as p
from sync.server.errors import Refused

log = logging.getLogger("insideout.server")


def _field_name(loc: tuple[object, ...] | list[object]) -> str:
    return ".".join(str(part) for part in loc)


async def _refused(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return JSONResponse(dict(exc.body()), status_code=exc.status, headers=exc.headers)


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Echoing the rejected input back could leak a password; say where and what, not the value.
    fields = [{"field": _field_name(e["loc"]), "problem": e["msg"]} for e in exc.errors()]
    summary = "; ".join(f"{f['field']}: {f['problem']}" for f in fields[:5])
    body = {"error": p.ERR_INVALID_REQUEST, "message": summary, "fields": fields}
    return JSONResponse(body, status_code=422)


def _unreadable_body() -> JSONResponse:
    # FastAPI answers 400 when the body cannot even be decoded (bytes that are not UTF-8);
    # the OpenAPI document lists 422 for bad input on every route, so say it that way.
    problem = "the body could not be read: send UTF-8 JSON"
    body = {"error": p.ERR_INVALID_REQUEST, "message": f"body: {problem}",
            "fields": [{"field": "body", "problem": problem}]}
    return JSONResponse(body, status_code=422)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        return _unreadable_body()
    codes = {404: p.ERR_NOT_FOUND, 401: p.ERR_UNAUTHENTICATED}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return JSONResponse(
        {"error": code, "message": str(exc.detail)},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # Log the type only: exception text can hold request data (names, identifiers).
    log.error("unhandled %s", type(exc).__name__)
    return JSONResponse({"error": "internal", "message": "internal server error"}, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
