"""A versioned table of legal citations, so that every document cites the law in force on its date.

The 2019 templates of the 专利侵权纠纷行政裁决办案指南 cite the pre-2020 专利法 (art. 60 where the 2020 text has
art. 65), the 2010 实施细则 and the 2015 专利行政执法办法; 局令81 (专利纠纷行政裁决和调解办法) replaced the
procedural articles on 2025-02-01, the 民事诉讼法 was renumbered in 2021 and 2023, and the 商标法 will be in
2027. A document never hard-codes an article number: its template asks for a *topic* (``patent.dispute``,
``adj.revocation`` …) and :func:`cite` returns the article of the version in force on the document's date.

Each row carries a confidence tag (docs/deadlines.md, Confidence tags: Q quoted from a text read, G general
knowledge not verified, I inference); rows tagged G must be checked against the official text before an
office relies on them. A topic with no row in force on a date yields None, and the templates then fall back to
"有关规定" rather than print a wrong article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["TABLE", "Citation", "citations_on", "cite", "cite_join", "cite_text", "cn_date", "cn_number", "topics"]


@dataclass(frozen=True)
class Citation:
    """One topic's article in one version of one instrument, with the dates that version was in force."""

    topic: str
    instrument: str  # full title without book-title marks, e.g. 中华人民共和国专利法
    version: str  # e.g. 2020年修正
    article: int
    paragraph: int | None = None  # 款
    item: int | None = None  # 项
    effective_from: dt.date = dt.date(1900, 1, 1)
    effective_to: dt.date | None = None  # last day in force; None: still in force
    confidence: str = "Q"
    note: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def article_text(self) -> str:
        """第六十五条第一款第（五）项."""
        text = f"第{cn_number(self.article)}条"
        if self.paragraph:
            text += f"第{cn_number(self.paragraph)}款"
        if self.item:
            text += f"第（{cn_number(self.item)}）项"
        return text

    @property
    def text(self) -> str:
        """《中华人民共和国专利法》第六十五条."""
        return f"《{self.instrument}》{self.article_text}"


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Write 1–9999 in Chinese numerals as legal texts do: 十五, 六十五, 一百零二, 一百一十."""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero, started = "", False, False
    for value, name in units:
        digit = n // value % 10
        if digit:
            if zero:
                out += "零"
                zero = False
            # 十五, not 一十五, when ten is the leading unit.
            out += ("" if (value == 10 and not started and digit == 1) else _DIGITS[digit]) + name
            started = True
        elif started:
            zero = True
    last = n % 10
    if last:
        out += ("零" if zero else "") + _DIGITS[last]
    return out


def cn_date(day: dt.date | None) -> str:
    """成文日期 as GB/T 9704-2012 prints it: Arabic numerals, no leading zeros (2026年3月5日)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


D = dt.date

PATENT_LAW = "中华人民共和国专利法"
PATENT_2008 = {"instrument": PATENT_LAW, "version": "2008年修正", "effective_from": D(2009, 10, 1),
               "effective_to": D(2021, 5, 31)}
PATENT_2020 = {"instrument": PATENT_LAW, "version": "2020年修正", "effective_from": D(2021, 6, 1)}

RULES = "中华人民共和国专利法实施细则"
RULES_2010 = {"instrument": RULES, "version": "2010年修订", "effective_from": D(2010, 2, 1),
              "effective_to": D(2024, 1, 19)}
RULES_2023 = {"instrument": RULES, "version": "2023年修订", "effective_from": D(2024, 1, 20)}

ENFORCEMENT_2015 = {"instrument": "专利行政执法办法", "version": "2015年修订（国家知识产权局令第71号）",
                    "effective_from": D(2015, 7, 1), "effective_to": D(2025, 1, 31)}
LING_81 = {"instrument": "专利纠纷行政裁决和调解办法", "version": "国家知识产权局令第81号",
           "effective_from": D(2025, 2, 1)}

ALL = "中华人民共和国行政诉讼法"
ALL_2017 = {"instrument": ALL, "version": "2017年修正", "effective_from": D(2017, 7, 1)}

ARL = "中华人民共和国行政复议法"
ARL_2017 = {"instrument": ARL, "version": "2017年修正", "effective_from": D(2018, 1, 1),
            "effective_to": D(2023, 12, 31)}
ARL_2023 = {"instrument": ARL, "version": "2023年修订", "effective_from": D(2024, 1, 1)}

AEL = {"instrument": "中华人民共和国行政强制法", "version": "2011年", "effective_from": D(2012, 1, 1)}

CPL = "中华人民共和国民事诉讼法"
CPL_2017 = {"instrument": CPL, "version": "2017年修正", "effective_from": D(2017, 7, 1),
            "effective_to": D(2021, 12, 31)}
CPL_2021 = {"instrument": CPL, "version": "2021年修正", "effective_from": D(2022, 1, 1),
            "effective_to": D(2023, 12, 31)}
CPL_2023 = {"instrument": CPL, "version": "2023年修正", "effective_from": D(2024, 1, 1)}

CPL_SPI = {"instrument": "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "version": "2022年修正",
           "effective_from": D(2022, 4, 10)}
PML = {"instrument": "中华人民共和国人民调解法", "version": "2010年", "effective_from": D(2011, 1, 1)}

REFERRAL = "行政执法机关移送涉嫌犯罪案件的规定"
REFERRAL_2001 = {"instrument": REFERRAL, "version": "国务院令第310号", "effective_from": D(2001, 7, 9),
                 "effective_to": D(2020, 8, 6)}
REFERRAL_2020 = {"instrument": REFERRAL, "version": "2020年修订", "effective_from": D(2020, 8, 7)}

TRADEMARK = "中华人民共和国商标法"
TM_2019 = {"instrument": TRADEMARK, "version": "2019年修正", "effective_from": D(2019, 11, 1),
           "effective_to": D(2026, 12, 31)}
TM_2027 = {"instrument": TRADEMARK, "version": "2026年修订", "effective_from": D(2027, 1, 1)}

COPYRIGHT_2020 = {"instrument": "中华人民共和国著作权法", "version": "2020年修正", "effective_from": D(2021, 6, 1)}
COMPLAINTS = {"instrument": "市场监督管理投诉举报处理暂行办法", "version": "2022年修正",
              "effective_from": D(2022, 5, 1)}


def _rows(topic: str, *versions: tuple[dict, int, int | None, int | None, str]) -> list[Citation]:
    return [Citation(topic=topic, article=article, paragraph=paragraph, item=item, confidence=confidence, **version)
            for version, article, paragraph, item, confidence in versions]


#: topic → description (what the article is about), for the catalogue page and the tests.
TOPICS: dict[str, str] = {
    "patent.infringement": "侵犯发明、实用新型专利权的行为",
    "patent.infringement_design": "侵犯外观设计专利权的行为",
    "patent.scope": "专利权的保护范围",
    "patent.dispute": "专利侵权纠纷的处理、责令停止侵权、起诉期限与强制执行",
    "patent.evaluation_report": "专利权评价报告",
    "patent.investigation": "查处时可以采取的措施",
    "rules.jurisdiction": "专利纠纷的管辖",
    "rules.suspension": "被请求人请求宣告专利权无效时的中止处理",
    "rules.mediation_scope": "可以调解的专利纠纷",
    "adj.recusal": "回避",
    "adj.jurisdiction_objection": "管辖权异议",
    "adj.electronic_service": "电子送达",
    "adj.request_conditions": "请求处理的条件",
    "adj.correction": "书面一次性告知补正",
    "adj.docket": "立案或者不予立案",
    "adj.answer": "送达请求书副本与答辩",
    "adj.hearing": "口头审理",
    "adj.suspension_mandatory": "应当中止处理的情形",
    "adj.suspension_optional": "可以不中止处理的情形",
    "adj.decision_content": "行政裁决书的内容",
    "adj.stop_measures": "责令停止侵权的措施",
    "adj.decision_amend": "行政裁决的变更、撤销与更正",
    "adj.mediation": "处理过程中的调解",
    "adj.revocation": "撤销案件",
    "adj.case_limit": "办案期限及其延长",
    "adj.enforcement": "行政裁决的执行",
    "med.statement": "调解请求书副本与陈述意见",
    "med.docket": "调解的立案与不予立案",
    "med.absence": "无正当理由不参加调解",
    "med.agreement": "调解协议书",
    "med.ownership": "权属纠纷调解的期限与撤销案件",
    "suit.general": "提起行政诉讼的期限（一般规定）",
    "review.period": "申请行政复议的期限",
    "enforce.application": "申请人民法院强制执行的期限",
    "enforce.reminder_content": "催告书的内容",
    "enforce.reminder": "催告后申请人民法院强制执行",
    "enforce.materials": "申请强制执行应提供的材料",
    "civil.electronic_service": "电子送达",
    "civil.public_notice_service": "公告送达",
    "civil.confirmation": "申请司法确认调解协议",
    "civil.confirmation_exclusions": "不予受理的司法确认申请",
    "mediation_law.confirmation": "人民调解协议的司法确认",
    "referral.threshold": "应当移送的涉嫌犯罪案件",
    "referral.procedure": "移送的审批与期限",
    "referral.materials": "移送时应当附送的材料",
    "referral.police_decision": "公安机关的立案审查期限",
    "referral.reconsideration": "提请复议与建议人民检察院立案监督",
    "trademark.handling": "商标侵权纠纷的处理与赔偿调解",
    "trademark.referral": "涉嫌犯罪的移送",
    "copyright.mediation": "著作权纠纷的调解",
    "complaints.ip": "知识产权行政部门处理投诉举报",
}

TABLE: tuple[Citation, ...] = tuple(
    _rows("patent.infringement", (PATENT_2008, 11, 1, None, "G"), (PATENT_2020, 11, 1, None, "Q"))
    + _rows("patent.infringement_design", (PATENT_2008, 11, 2, None, "G"), (PATENT_2020, 11, 2, None, "Q"))
    + _rows("patent.scope", (PATENT_2008, 59, 1, None, "G"), (PATENT_2020, 64, 1, None, "Q"))
    + _rows("patent.dispute", (PATENT_2008, 60, None, None, "Q"), (PATENT_2020, 65, None, None, "Q"))
    + _rows("patent.evaluation_report", (PATENT_2008, 61, 2, None, "G"), (PATENT_2020, 66, 2, None, "Q"))
    + _rows("patent.investigation", (PATENT_2008, 64, None, None, "G"), (PATENT_2020, 69, None, None, "Q"))
    + _rows("rules.jurisdiction", (RULES_2010, 81, None, None, "G"), (RULES_2023, 97, None, None, "Q"))
    + _rows("rules.suspension", (RULES_2010, 82, None, None, "Q"), (RULES_2023, 98, None, None, "Q"))
    + _rows("rules.mediation_scope", (RULES_2010, 85, None, None, "G"), (RULES_2023, 102, None, None, "Q"))
    + _rows("adj.recusal", (LING_81, 5, None, None, "Q"))
    + _rows("adj.jurisdiction_objection", (LING_81, 9, None, None, "Q"))
    + _rows("adj.electronic_service", (LING_81, 10, None, None, "Q"))
    + _rows("adj.request_conditions", (ENFORCEMENT_2015, 10, None, None, "Q"), (LING_81, 12, None, None, "Q"))
    + _rows("adj.correction", (LING_81, 16, None, None, "Q"))
    + _rows("adj.docket", (ENFORCEMENT_2015, 13, None, None, "Q"), (LING_81, 20, None, None, "Q"))
    + _rows("adj.answer", (ENFORCEMENT_2015, 14, None, None, "Q"), (LING_81, 22, None, None, "Q"))
    + _rows("adj.hearing", (ENFORCEMENT_2015, 16, None, None, "Q"), (LING_81, 26, None, None, "Q"))
    + _rows("adj.suspension_mandatory", (LING_81, 28, None, None, "Q"))
    + _rows("adj.suspension_optional", (LING_81, 29, None, None, "Q"))
    + _rows("adj.decision_content", (LING_81, 31, None, None, "Q"))
    + _rows("adj.stop_measures", (LING_81, 32, None, None, "Q"))
    + _rows("adj.decision_amend", (LING_81, 33, None, None, "Q"))
    + _rows("adj.mediation", (LING_81, 35, None, None, "Q"))
    + _rows("adj.revocation", (LING_81, 36, None, None, "Q"))
    + _rows("adj.case_limit", (ENFORCEMENT_2015, 21, None, None, "Q"), (LING_81, 37, None, None, "Q"))
    + _rows("adj.enforcement", (LING_81, 80, None, None, "Q"))
    + _rows("med.statement", (LING_81, 65, None, None, "Q"))
    + _rows("med.docket", (LING_81, 66, None, None, "Q"))
    + _rows("med.absence", (LING_81, 67, None, None, "Q"))
    + _rows("med.agreement", (LING_81, 69, None, None, "Q"))
    + _rows("med.ownership", (LING_81, 70, None, None, "Q"))
    + _rows("suit.general", (ALL_2017, 46, 1, None, "Q"))
    + _rows("review.period", (ARL_2017, 9, 1, None, "G"), (ARL_2023, 20, 1, None, "Q"))

    + _rows("enforce.application", (AEL, 53, None, None, "Q"))
    + _rows("enforce.reminder_content", (AEL, 35, None, None, "G"))
    + _rows("enforce.reminder", (AEL, 54, None, None, "Q"))
    + _rows("enforce.materials", (AEL, 55, None, None, "G"))
    + _rows("civil.electronic_service", (CPL_2017, 87, None, None, "G"), (CPL_2021, 90, None, None, "G"),
            (CPL_2023, 90, None, None, "Q"))
    + _rows("civil.public_notice_service", (CPL_2017, 92, None, None, "G"), (CPL_2021, 95, None, None, "G"),
            (CPL_2023, 95, None, None, "Q"))
    + _rows("civil.confirmation", (CPL_2017, 194, None, None, "G"), (CPL_2021, 201, None, None, "Q"),
            (CPL_2023, 205, None, None, "Q"))
    + _rows("civil.confirmation_exclusions", (CPL_SPI, 355, None, None, "Q"))
    + _rows("mediation_law.confirmation", (PML, 33, None, None, "Q"))
    + _rows("referral.threshold", (REFERRAL_2001, 3, None, None, "G"), (REFERRAL_2020, 3, None, None, "Q"))
    + _rows("referral.procedure", (REFERRAL_2001, 5, None, None, "G"), (REFERRAL_2020, 5, None, None, "Q"))
    + _rows("referral.materials", (REFERRAL_2001, 6, None, None, "G"), (REFERRAL_2020, 6, None, None, "Q"))
    + _rows("referral.police_decision", (REFERRAL_2001, 8, None, None, "G"), (REFERRAL_2020, 8, None, None, "Q"))
    + _rows("referral.reconsideration", (REFERRAL_2001, 9, None, None, "G"), (REFERRAL_2020, 9, None, None, "Q"))
    + _rows("trademark.handling", (TM_2019, 60, None, None, "Q"), (TM_2027, 74, None, None, "Q"))
    + _rows("trademark.referral", (TM_2019, 61, None, None, "Q"), (TM_2027, 75, None, None, "Q"))
    + _rows("copyright.mediation", (COPYRIGHT_2020, 60, None, None, "Q"))
    + _rows("complaints.ip", (COMPLAINTS, 38, 3, None, "Q"))
)


def topics() -> list[str]:
    """Every topic the table knows."""
    return list(TOPICS)


def cite(topic: str, on: dt.date) -> Citation | None:
    """Return the citation of ``topic`` in force on ``on``, or None when no version applies that day."""
    if topic not in TOPICS:
        raise KeyError(f"unknown citation topic: {topic}")
    for row in TABLE:
        if row.topic == topic and row.in_force(on):
            return row
    return None


def cite_text(topic: str, on: dt.date, fallback: str = "有关规定") -> str:
    """《…》第…条 for the version in force on ``on``; ``fallback`` when none is."""
    row = cite(topic, on)
    return row.text if row else fallback


def cite_join(topics, on: dt.date) -> str:
    """Several citations in one phrase, grouped by instrument.

    E.g. 《专利法》第十一条第一款、第六十五条和《办法》第三十一条.
    """
    groups: dict[str, list[str]] = {}
    for topic in topics:
        row = cite(topic, on)
        if row is not None:
            groups.setdefault(row.instrument, []).append(row.article_text)
    phrases = [f"《{instrument}》" + "、".join(articles) for instrument, articles in groups.items()]
    if not phrases:
        return "有关规定"
    return phrases[0] if len(phrases) == 1 else "、".join(phrases[:-1]) + "和" + phrases[-1]


def citations_on(on: dt.date) -> dict[str, str]:
    """Every topic's citation text on a date (what a document template receives as ``law``)."""
    return {topic: cite_text(topic, on) for topic in TOPICS}
