"""The one way pages show an ApplicationError: the middleware's page (or htmx card), or inline in a form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from bqw.core.errors import ApplicationError, ConflictError, ImportRejected, NotFoundError, RowError
from bqw.core.middleware import ApplicationErrorMiddleware, inline_errors


def respond(exc: Exception, **headers):
    request = RequestFactory().post("/x/", **headers)
    request.user = AnonymousUser()
    return ApplicationErrorMiddleware(lambda r: None).process_exception(request, exc)


def test_each_error_gets_its_status_and_a_chinese_page():
    r = respond(ConflictError("数据已被他人修改，请刷新后重试"))
    page = r.content.decode()
    assert r.status_code == 409 and "<html" in page and "数据已被他人修改" in page
    assert respond(NotFoundError("未找到")).status_code == 404
    assert respond(ValueError("a bug")) is None  # not ours: a real 500


def test_htmx_gets_the_card_alone_and_an_outside_referer_is_not_linked():
    r = respond(ApplicationError("请填写进展说明"), HTTP_HX_REQUEST="true", HTTP_REFERER="https://evil.example/")
    page = r.content.decode()
    assert r.status_code == 400 and "<html" not in page and "请填写进展说明" in page and "evil" not in page


def test_a_rejected_import_lists_its_rows():
    r = respond(ImportRejected([RowError(3, "数值", "“abc”不是数字")]))
    page = r.content.decode()
    assert r.status_code == 422 and 'id="import-errors"' in page and "“abc”不是数字" in page


def test_inline_errors_catches_business_rules_and_lets_scope_errors_through():
    with inline_errors() as failed:
        raise ApplicationError("退回时须填写原因", extra={"field": "reason"})
    assert failed and failed.message == "退回时须填写原因" and failed.extra == {"field": "reason"}
    with inline_errors() as ok:
        pass
    assert not ok and ok.message == ""
    with pytest.raises(NotFoundError):
        with inline_errors():
            raise NotFoundError("未找到")
    with inline_errors(scope_too=True) as failed:
        raise NotFoundError("计划不在您的范围内")
    assert failed.error.status_code == 404
