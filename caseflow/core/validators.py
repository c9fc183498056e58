"""Identifier checks with their check digits: patent numbers, ID numbers, credit codes."""

from __future__ import annotations

import re

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

_PATENT = re.compile(r"^(?:ZL|CN)?\s*(\d{12}|\d{8})\s*\.?\s*([\dX])$", re.IGNORECASE)
# The 5th digit of a 12-digit application number is the type (8/9: PCT entering China).
PATENT_TYPE_DIGITS = {"invention": {"1", "8"}, "utility_model": {"2", "9"}, "design": {"3"}}


def patent_check_digit(digits: str) -> str:
    """Compute the check digit of a Chinese patent application number (weights 2..9 cycling, mod 11)."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9]
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def normalize_patent_number(value: str, ip_type: str | None = None) -> str:
    """Return the patent number as ZL<digits>.<check>, or raise ValueError with a Chinese message."""
    m = _PATENT.match((value or "").strip().replace("．", "."))
    if not m:
        raise ValueError("专利号格式不正确，应为如 ZL202010123456.2 或 2020101234562")
    digits, check = m.group(1), m.group(2).upper()
    if patent_check_digit(digits) != check:
        raise ValueError("专利号校验位不正确，请核对")
    if ip_type in PATENT_TYPE_DIGITS and len(digits) == 12 and digits[4] not in PATENT_TYPE_DIGITS[ip_type]:
        raise ValueError("专利号与所选专利类型不一致")
    return f"ZL{digits}.{check}"


def normalize_trademark_number(value: str) -> str:
    """Trademark registration numbers are plain digits (第 and 号 are allowed around them)."""
    text = (value or "").strip().removeprefix("第").removesuffix("号").strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError("商标注册号应为1至9位数字")
    return text


def normalize_right_number(value: str, ip_type: str | None) -> str:
    """Check the right's number according to the type of right."""
    if ip_type in PATENT_TYPE_DIGITS:
        return normalize_patent_number(value, ip_type)
    if ip_type == "trademark":
        return normalize_trademark_number(value)
    text = (value or "").strip()
    if len(text) > 64:
        raise ValueError("权利编号过长")
    return text


def _resident_id(text: str) -> str:
    """GB 11643: 17 digits, a real birth date, and the check digit. The birthplace is not checked against a
    region table: codes are renamed and retired while people keep their numbers (python-stdnum's table rejects
    Chongqing's districts, for one)."""
    if len(text) != 18 or not text[:17].isdigit():
        raise StdnumError
    if text[-1] != ric.calc_check_digit(text):
        raise StdnumError
    ric.get_birth_date(text)
    return text


def normalize_id_number(id_type: str | None, value: str | None) -> str | None:
    """Validate an ID by type: 居民身份证 (GB 11643) or 统一社会信用代码 (GB 32100)."""
    text = (value or "").strip().upper()
    if not text:
        return None
    try:
        if id_type == "resident_id":
            return _resident_id(text)
        if id_type == "uscc":
            return uscc.validate(text)
    except StdnumError:
        label = "居民身份证号码" if id_type == "resident_id" else "统一社会信用代码"
        raise ValueError(f"{label}不正确（校验位不符或格式错误）") from None
    if id_type == "passport" and not re.fullmatch(r"[A-Z0-9]{5,20}", text):
        raise ValueError("护照号码格式不正确")
    if len(text) > 32:
        raise ValueError("证件号码过长")
    return text


def mask_id(value: str | None) -> str:
    """Mask an ID number for lists and exports (个人信息保护法)."""
    if not value:
        return ""
    if len(value) <= 6:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)
