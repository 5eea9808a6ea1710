"""Spreadsheet exports never hand a formula to Excel."""

from gonghui.core.excel import escape_formula


def test_escape_formula() -> None:
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("-2+3") == "'-2+3"
    assert escape_formula("\t=cmd") == "'\t=cmd"
    assert escape_formula("张三") == "张三"
    assert escape_formula(5) == 5
    assert escape_formula("") == ""
