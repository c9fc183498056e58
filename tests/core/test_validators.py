"""Identifier check digits (patent numbers, GB 11643, GB 32100)."""

import pytest

from caseflow.core.validators import mask_id, normalize_id_number, normalize_patent_number, normalize_right_number


@pytest.mark.parametrize(("raw", "expected"), [
    ("ZL202010123456.2", "ZL202010123456.2"), ("2020101234562", "ZL202010123456.2"),
    ("zl 202010123456.2", "ZL202010123456.2"), ("CN202010123456.2", "ZL202010123456.2"),
    ("ZL02123456.2", None),
])
def test_patent_numbers(raw, expected):
    if expected is None:
        with pytest.raises(ValueError, match="专利号"):
            normalize_patent_number(raw)
    else:
        assert normalize_patent_number(raw) == expected


def test_patent_check_digit_x():
    # 8-digit pre-2003 numbers use the same weights; 10 → X.
    from caseflow.core.validators import patent_check_digit

    digits = next(d for d in (f"{n:08d}" for n in range(1, 10**6)) if patent_check_digit(d) == "X")
    assert normalize_patent_number(f"ZL{digits}.X") == f"ZL{digits}.X"


def test_patent_type_must_match():
    with pytest.raises(ValueError, match="类型不一致"):
        normalize_patent_number("ZL202010123456.2", "design")


def test_trademark_number():
    assert normalize_right_number("第12345678号", "trademark") == "12345678"
    with pytest.raises(ValueError, match="商标注册号"):
        normalize_right_number("12A45", "trademark")


@pytest.mark.parametrize(("kind", "value", "ok"), [
    ("resident_id", "11010519491231002X", True), ("resident_id", "11010519491231002x", True),
    ("resident_id", "110105194912310021", False), ("resident_id", "110105194913310029", False),
    ("uscc", "91500103MA5U8KJ84F", True), ("uscc", "91500103MA5U8KJ84R", False), ("uscc", "915001", False),
])
def test_ids(kind, value, ok):
    if ok:
        assert normalize_id_number(kind, value) == value.upper()
    else:
        with pytest.raises(ValueError, match="不正确"):
            normalize_id_number(kind, value)


def test_mask():
    assert mask_id("11010519491231002X") == "110***********002X"
