"""Foundation in the browser: log in, browse the tree, switch language, H5 shell on a phone."""

from __future__ import annotations

from typing import Any

from gonghui.testing import PASSWORD
from tests.e2e.conftest import login


def test_login_and_browse_tree(page: Any, cast: Any) -> None:
    page.goto(page.base_url + "/console/orgs/")
    assert "/accounts/login/" in page.url  # deny by default
    assert page.locator("h2").inner_text() == "工作人员登录"
    login(page, "yc_staff", PASSWORD)
    page.goto(page.base_url + "/console/orgs/")
    tree = page.get_by_test_id("org-tree")
    assert tree.get_by_text("银川市总工会").is_visible()
    assert "固原" not in tree.inner_text()
    tree.get_by_text("银川市总工会").click()
    assert page.get_by_test_id("org-name").inner_text().startswith("银川市总工会")
    children = page.get_by_test_id("org-children")
    assert "银川市兴庆区总工会" in children.inner_text()
    children.get_by_text("银川市兴庆区总工会").click()
    assert page.get_by_test_id("grassroots-total").inner_text() == "1"


def test_wrong_password_shows_chinese_error(page: Any, cast: Any) -> None:
    login(page, "yc_staff", "wrong-password")
    assert "用户名或密码不正确" in page.content()


def test_outside_scope_is_not_found(page: Any, cast: Any) -> None:
    login(page, "xq_staff", PASSWORD)
    response = page.goto(page.base_url + f"/console/orgs/{cast.yuanzhou.code}/")
    assert response.status == 404


def test_switch_language(page: Any, cast: Any) -> None:
    login(page, "nx_admin", PASSWORD)
    page.goto(page.base_url + "/console/orgs/")
    assert page.locator("h1").inner_text() == "工会组织"
    with page.expect_navigation():
        page.get_by_test_id("language-switch").locator("select").select_option("en")
    assert page.locator("h1").inner_text() == "Union organisations"
    assert page.evaluate("document.documentElement.lang") == "en"
    with page.expect_navigation():
        page.get_by_test_id("language-switch").locator("select").select_option("zh-hans")
    assert page.locator("h1").inner_text() == "工会组织"


def test_h5_shell_on_phone(phone_page: Any, db: Any) -> None:
    phone_page.goto(phone_page.base_url + "/m/")
    assert phone_page.locator("h1").inner_text() == "职工服务"
    # No horizontal scrolling on a phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
