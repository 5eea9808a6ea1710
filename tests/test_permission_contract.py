"""The permission contract, generated for every scoped model, console URL and API path.

Each app declares in ``gonghui/<app>/tests/contract.py`` how to make a row of each scoped model
and the URL arguments of each page and API path that shows one row. This test then checks for
all of them: anonymous → login page (console) or 401 (API); outside the actor's scope → 404;
inside → allowed; and a write that would move a record out of scope is refused and rolled back.
A scoped model, URL or API path without a contract entry fails the test, so nothing new slips by.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.accounts.scoping import ScopedQuerySet
from gonghui.api import api


def _contracts() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("gonghui."):
            try:
                modules.append(importlib.import_module(f"{config.name}.tests.contract"))
            except ModuleNotFoundError:
                continue
    return modules


def _merged(attribute: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for module in _contracts():
        merged.update(getattr(module, attribute, {}))
    return merged


SCOPED = _merged("SCOPED")
URLS = _merged("URLS")
API = _merged("API")
ESCAPES = [escape for module in _contracts() for escape in getattr(module, "ESCAPES", [])]
IGNORED_NAMESPACES = ("admin", "api")


def _url_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in IGNORED_NAMESPACES:
                continue
            found += _url_patterns(entry, ns)
        elif entry.name:
            found.append((f"{namespace}:{entry.name}" if namespace else entry.name, entry))
    return found


def _has_arguments(pattern: URLPattern) -> bool:
    return bool(pattern.pattern.regex.groupindex)


def _is_public(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "login_required", True) is False


def test_every_scoped_model_has_a_contract() -> None:
    scoped = {
        model._meta.label
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
    }
    assert scoped - SCOPED.keys() == set(), "add these models to a tests/contract.py SCOPED"


@pytest.mark.parametrize("label", sorted(SCOPED))
def test_scoped_model_visibility(label: str, cast: Any) -> None:
    capability, factory = SCOPED[label]
    model = apps.get_model(label)
    inside, outside = factory(cast, cast.xingqing), factory(cast, cast.yuanzhou)
    visible = model.objects.visible_to(cast.yc_staff, capability)
    assert visible.filter(pk=inside.pk).exists()
    assert not visible.filter(pk=outside.pk).exists()
    assert not model.objects.visible_to(cast.nobody, capability).exists()
    assert model.objects.visible_to(None, capability).count() == 0
    with pytest.raises(Http404):
        model.objects.get_for_actor(cast.yc_staff, capability, pk=outside.pk)


def test_every_console_url_with_arguments_has_a_contract() -> None:
    named = {
        name
        for name, pattern in _url_patterns()
        if _has_arguments(pattern) and not _is_public(pattern)
    }
    assert named - URLS.keys() == set(), "add these URL names to a tests/contract.py URLS"


@pytest.mark.parametrize(
    "name", sorted(name for name, p in _url_patterns() if not _has_arguments(p))
)
def test_console_page_without_arguments_denies_anonymous(name: str, client: Any, db: Any) -> None:
    pattern = dict(_url_patterns())[name]
    response = client.get(reverse(name))
    if _is_public(pattern):
        assert response.status_code < 500
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted(URLS))
def test_console_page_scope(name: str, client: Any, cast: Any) -> None:
    _capability, kwargs_for = URLS[name]
    inside = reverse(name, kwargs=kwargs_for(cast, cast.xingqing))
    outside = reverse(name, kwargs=kwargs_for(cast, cast.yuanzhou))
    anonymous = client.get(inside)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(cast.yc_staff)
    assert client.get(outside).status_code in (404, 405)
    assert client.post(outside).status_code == 404
    assert client.get(inside).status_code in (200, 405)
    client.force_login(cast.nobody)
    assert client.get(inside).status_code in (404, 405)


def _api_operations() -> list[tuple[str, str, bool]]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append((path, method.upper(), bool(operation.get("security"))))
    return operations


def test_every_api_path_with_parameters_has_a_contract() -> None:
    paths = {path for path, _m, secured in _api_operations() if "{" in path and secured}
    assert paths - API.keys() == set(), "add these API paths to a tests/contract.py API"


@pytest.mark.parametrize("operation", _api_operations(), ids=lambda op: f"{op[1]} {op[0]}")
def test_api_anonymous(operation: tuple[str, str, bool], client: Any, cast: Any) -> None:
    path, method, secured = operation
    # Anonymous callers are refused before any lookup, so placeholder values will do.
    url = re.sub(r"{\w+}", "1", path)
    response = client.generic(method, url, content_type="application/json", data="{}")
    if secured:
        assert response.status_code in (401, 403)
        assert "error" in response.json()
    else:
        assert response.status_code < 500


@pytest.mark.parametrize("path", sorted(API))
def test_api_scope(path: str, client: Any, cast: Any) -> None:
    methods = [m for p, m, secured in _api_operations() if p == path and secured]
    inside = path.format(**API[path](cast, cast.xingqing))
    outside = path.format(**API[path](cast, cast.yuanzhou))
    client.force_login(cast.yc_staff)
    for method in methods:
        response = client.generic(method, outside, content_type="application/json", data="{}")
        if method == "GET":
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        else:
            assert response.status_code in (404, 409, 422, 400)
    if "GET" in methods:
        assert client.get(inside).status_code == 200


@pytest.mark.parametrize("escape", ESCAPES, ids=lambda e: e[0].__name__)
def test_write_out_of_scope_is_refused_and_rolled_back(escape: Any, cast: Any) -> None:
    attempt, state = escape
    before = state(cast)
    with pytest.raises(Exception) as raised, transaction.atomic():
        attempt(cast)
    assert type(raised.value).__name__ in (
        "ScopeViolation",
        "ValidationError",
        "Http404",
        "PermissionDenied",
    )
    assert state(cast) == before
