"""What a party reads in an issued document of an adjudication (issue #15), checked on the text of its PDF: the
journeys of tests/api and tests/browser hold every document they issue to these."""

from __future__ import annotations

import re

from tests.notices.conftest import pdf_text
from tests.notices.test_notice_sentences import problems

__all__ = ["adjudication_problems", "cn", "pdf_text"]

#: The design patent article a decision rests on (专利法 art. 11 para. 2), as the document cites it.
DESIGN_ARTICLE = "《中华人民共和国专利法》第十一条第二款"


def cn(day) -> str:
    """A date as the documents write it."""
    return f"{day.year}年{day.month}月{day.day}日"


def adjudication_problems(text: str, kind: str, *, names: tuple[str, ...], panel: tuple[str, ...]) -> list[str]:
    """What is wrong with the text of an adjudication's document of ``kind``, in a reviewer's words (empty: none)."""
    found = problems(text, names)  # doubled role words, names run together, codes, None, placeholders
    if "投诉人" in text:  # neither 投诉人 nor 被投诉人: a 行政裁决 speaks of 请求人/被请求人
        found.append("complaint role words (投诉人) in an adjudication")
    if kind == "decision" and not ("请求人：" in text and "被请求人：" in text):
        found.append("the parties are not named as 请求人 and 被请求人")
    if re.search(r"[A-Za-z]+_[A-Za-z_]+", text):
        found.append("an identifier (ASCII slug) in the text")
    if kind in ("acceptance", "answer_notice", "hearing_notice"):  # the parties learn who may be recused (art. 5)
        missing = [name for name in panel if name not in text]
        if "合议组" not in text or missing:
            found.append(f"the 合议组 is not named (missing {missing})")
    if kind == "decision":
        if DESIGN_ARTICLE not in text:
            found.append("a design patent's decision does not cite 专利法 第十一条第二款")
        if "第十一条第一款" in text:
            found.append("a design patent's decision cites 第十一条第一款 (inventions and utility models)")
        if "依法组成合议组进行了审理" not in text:  # one was formed at 立案 and heard the case (art. 20)
            found.append("the decision does not say the 合议组 heard the case")
        if "请求人请求：" not in text:
            found.append("the claims are not led by 请求人请求：")
        if "发明专利" in text or "实用新型" in text:
            found.append("the decision names another kind of patent")
    return found
