"""Password rules: a common-password refusal and zxcvbn's strength estimate, with Chinese messages.

Applied wherever a password is chosen (registration, the password change page, an administrator's reset, the
create-user command, a respondent's account opened by access code); never at login, so existing passwords keep
working until their owners change them.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app, has_app_context
from zxcvbn import matching, zxcvbn

from caseflow.core.errors import Invalid

MIN_LENGTH = 8
MAX_LENGTH = 256
DEFAULT_MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", ~10^8 guesses
_EVALUATED = 72  # zxcvbn refuses longer input; what follows the 72nd character only adds strength
#: Words every guesser tries against this site (its name, the region, the field) besides the user's own.
SITE_WORDS = ["caseflow", "anliu", "案流", "chongqing", "cq", "zhishichanquan", "zscq", "zhuanli", "shangbiao"]

_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords_cn.txt"
COMMON_CN: frozenset[str] = frozenset(
    line.strip().lower() for line in _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# zxcvbn ranks English lists only; the Chinese ones (pinyin, 520/1314 numbers) join them, so that variants such as
# "Woaini1314!" score as weak as they are. add_frequency_lists is the library's extension point.
matching.add_frequency_lists({"chinese_passwords": sorted(COMMON_CN, key=len)})
# zxcvbn keeps the user's own words in a module-level dictionary while it scores: one evaluation at a time.
_LOCK = threading.Lock()

_WARNINGS = {
    "This is a top-10 common password.": "这是最常见的密码之一",
    "This is a top-100 common password.": "这是最常见的密码之一",
    "This is a very common password.": "这是常见密码",
    "This is similar to a commonly used password.": "与常见密码过于相似",
    "Straight rows of keys are easy to guess.": "键盘上连续的按键很容易被猜中",
    "Short keyboard patterns are easy to guess.": "键盘上的简单图案很容易被猜中",
    'Repeats like "aaa" are easy to guess.': "重复的字符（如 aaa）很容易被猜中",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "重复的片段（如 abcabc）很容易被猜中",
    'Sequences like "abc" or "6543" are easy to guess.': "连续的字母或数字（如 abc、6543）很容易被猜中",
    "Recent years are easy to guess.": "年份很容易被猜中",
    "Dates are often easy to guess.": "日期（如生日）很容易被猜中",
    "A word by itself is easy to guess.": "单个单词很容易被猜中",
    "Names and surnames by themselves are easy to guess.": "姓名很容易被猜中",
    "Common names and surnames are easy to guess.": "常见姓名很容易被猜中",
}
ADVICE = "请使用更长、更不常见的组合，例如三四个不相关的词语拼音加上数字或符号"


def min_score() -> int:
    if has_app_context():
        return int(current_app.config.get("PASSWORD_MIN_SCORE", DEFAULT_MIN_SCORE))
    return DEFAULT_MIN_SCORE


def password_problem(password: str, *, username: str = "", display_name: str = "") -> str | None:
    """Return why the password may not be chosen (Chinese), or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"密码至少{MIN_LENGTH}位"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过{MAX_LENGTH}位"
    lowered = password.lower()
    if lowered in COMMON_CN:
        return f"这是常见密码，很容易被猜中。{ADVICE}"
    own = [w for w in (username.strip().lower(), display_name.strip().lower()) if len(w) >= 3]
    if any(w in lowered for w in own):
        return f"密码不能包含用户名或姓名。{ADVICE}"
    with _LOCK:
        result = zxcvbn(password[:_EVALUATED], user_inputs=[*own, *SITE_WORDS])
    if result["score"] >= min_score():
        return None
    warning = _WARNINGS.get(result["feedback"]["warning"], "")
    return f"密码强度不足{'：' + warning if warning else ''}。{ADVICE}"


def check_new_password(password: str, *, username: str = "", display_name: str = "", field: str = "password") -> None:
    """Raise Invalid (422, on ``field``) unless the password may be chosen."""
    problem = password_problem(password, username=username, display_name=display_name)
    if problem:
        raise Invalid(problem, fields={field: problem})
