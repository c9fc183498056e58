"""The structured parts every document sentence is built from: role words, party names, the right, the dispute.

A document's running text never pastes free-text fields next to each other (a case's own title, typed by the
filer, often already names the respondent or the act: "某电器公司销售侵犯……", so "关于{被投诉人}{标题}" doubled it).
Instead ``phrase_parts`` builds, once per document, the pieces the templates join with fixed words:

- ``claimant_word`` / ``respondent_word``: the procedure's role words (请求人/被请求人, 投诉人/被投诉人, …);
- ``claimants`` / ``respondents``: the parties' names joined with 、;
- ``right``: the right as the object of 侵犯 (ZL202221345678.9号实用新型专利权, 第12345678号注册商标专用权, 著作权);
- ``subject``: the protected thing (ZL202221345678.9号实用新型专利, 第12345678号注册商标);
- ``dispute``: the 案由 without the parties (侵犯ZL…号实用新型专利权纠纷; for a mediation the category's name,
  ZL…号发明专利权属纠纷; for a complaint 涉嫌侵犯ZL…号实用新型专利权);
- ``matter``: the case as a noun phrase with its parties, for "关于……一案" (甲公司与乙公司侵犯……纠纷; for a
  complaint 乙公司涉嫌侵犯……);
- ``between``: the parties as "甲与乙" (or whichever side is known); ``parties``: every party, "甲、乙" (for the
  主送 line of a document addressed to both sides), the claimants followed by their agent when the case records one:
  "甲（委托代理人：丙）、乙" (``addressed_claimants`` is that claimant part alone).

Officer-editable orders ("责令被请求人……") go through ``order_text``, which drops a role word (or 责令) the officer
typed in front of the order, so the template's own "责令被请求人" is never doubled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: The role words of each procedure: (claimant side, respondent side).
ROLE_WORDS: dict[str, tuple[str, str]] = {
    "adjudication": ("请求人", "被请求人"),
    "complaint": ("投诉人", "被投诉人"),
    "mediation": ("请求人", "被请求人"),
    "injunction": ("申请人", "被申请人"),
    "referral": ("权利人", "涉案当事人"),
}
DEFAULT_ROLES = ("请求人", "被请求人")

#: Every role word a party may be called by, longest first (so 被请求人 is matched before 请求人).
ALL_ROLE_WORDS = tuple(sorted({w for pair in ROLE_WORDS.values() for w in pair} | {"当事人", "被申请人"},
                              key=len, reverse=True))

#: ip_type → (the protected thing, the right in it, how its number is written)
RIGHT_KINDS: dict[str, tuple[str, str, str]] = {
    "invention": ("发明专利", "发明专利权", "{n}号"),
    "utility_model": ("实用新型专利", "实用新型专利权", "{n}号"),
    "design": ("外观设计专利", "外观设计专利权", "{n}号"),
    "trademark": ("注册商标", "注册商标专用权", "第{n}号"),
    "copyright": ("作品", "著作权", "（登记号：{n}）"),
    "geographical_indication": ("地理标志", "地理标志专用权", "（登记号：{n}）"),
    "other": ("知识产权", "知识产权", "（权利编号：{n}）"),
}
PATENT_PROCEDURES = frozenset({"adjudication", "mediation", "injunction"})

#: A mediation's dispute by its category (局令81 art. 63), after the patent: ZL…号发明专利 + 权属纠纷.
MEDIATION_DISPUTES = {
    "ownership": "权属纠纷",
    "inventorship": "发明人、设计人资格纠纷",
    "remuneration": "职务发明奖励报酬纠纷",
    "provisional_fee": "临时保护期使用费纠纷",
    "damages": "侵权赔偿数额纠纷",
    "other": "纠纷",
}

#: What a complaint is about, by its kind (workflows/complaint.KINDS); {right} is the right phrase.
COMPLAINT_ACTS = {
    "patent_counterfeit": "假冒专利",
}


def with_agent(names: str, agents: Iterable[str | None]) -> str:
    """The claimants as a document addresses them: followed by the agent the case records for them (an agent is
    recorded only by a filing on the claimants' behalf), "甲（委托代理人：丙）"."""
    agent = join_names(agents)
    return f"{names}（委托代理人：{agent}）" if names and agent else names


def role_words(procedure: str | None) -> tuple[str, str]:
    return ROLE_WORDS.get(procedure or "", DEFAULT_ROLES)


def party_role_words(case_or_procedure) -> dict[str, str]:
    """What a list of the parties calls each role: the procedure's words (请求人 in a mediation, never 请求人/投诉人),
    or, given a case, the case's own (an injunction taken up ex officio keeps its main case's, as ``case_roles``)."""
    if case_or_procedure is None or isinstance(case_or_procedure, str):
        claimant, respondent = role_words(case_or_procedure)
    else:
        case = case_or_procedure
        data = case.data or {}
        main = case.parent if case.procedure == "injunction" and data.get("applied_by") == "ex_officio" else None
        claimant, respondent = case_roles({"procedure": case.procedure, "applied_by": data.get("applied_by"),
                                           "origin_procedure": main.procedure if main else None}) \
            or role_words(case.procedure)
    return {"claimant": claimant, "respondent": respondent, "agent": "代理人"}


def join_names(names: Iterable[str | None]) -> str:
    """Names joined with 、, each once, blanks dropped."""
    out: list[str] = []
    for raw in names:
        name = (raw or "").strip()
        if name and name not in out:
            out.append(name)
    return "、".join(out)


def clean_number(number: str | None) -> str:
    """A right's number as typed, without the 第/号 around it (the phrase adds them) and without inner spaces."""
    text = re.sub(r"\s+", "", str(number or ""))
    if text.lower() in ("none", "null"):
        return ""
    text = re.sub(r"^(专利号|注册号|登记号|商标注册号)[:：]?", "", text)
    return text.removeprefix("第").removesuffix("号")


def right_parts(ip_type: str | None, number: str | None, procedure: str | None) -> tuple[str, str]:
    """(subject, right): ("ZL…号实用新型专利", "ZL…号实用新型专利权") for the case's type and number."""
    default = ("专利", "专利权", "{n}号") if procedure in PATENT_PROCEDURES else ("知识产权", "知识产权", "（{n}）")
    thing, right, style = RIGHT_KINDS.get(ip_type or "", default)
    n = clean_number(number)
    if not n:
        return thing, right
    numbered = style.format(n=n)
    if style.startswith("（"):  # a registration noted after the right: 著作权（登记号：…）
        return thing + numbered, right + numbered
    return numbered + thing, numbered + right


def phrase_parts(*, procedure: str | None, ip_type: str | None, right_number: str | None,
                 claimants: Iterable[str | None], respondents: Iterable[str | None], complaint_kind: str | None = None,
                 category: str | None = None, agents: Iterable[str | None] = (),
                 roles: tuple[str, str] | None = None) -> dict[str, str]:
    """The structured parts of one document's sentences (see the module docstring); ``roles`` overrides the
    procedure's role words."""
    claimant_word, respondent_word = roles or role_words(procedure)
    claimant_names, respondent_names, agent_names = list(claimants), list(respondents), list(agents)
    c, r = join_names(claimant_names), join_names(respondent_names)
    subject, right = right_parts(ip_type, right_number, procedure)
    between = f"{c}与{r}" if c and r else (c or r)
    if procedure == "mediation":
        dispute = subject + MEDIATION_DISPUTES.get(category or "", "纠纷")
        matter = f"{between}{dispute}" if between else dispute
    elif procedure == "complaint" or (procedure == "referral" and complaint_kind in COMPLAINT_ACTS):
        # A complainant need not hold the right (a 举报 may come from anyone), and 假冒专利 wrongs no one holder:
        # the matter names the act only.
        dispute = "涉嫌" + COMPLAINT_ACTS.get(complaint_kind or "", f"侵犯{right}")
        matter = f"{r}{dispute}"
    elif procedure in ("injunction", "referral"):  # the claimant side holds the right
        dispute = f"涉嫌侵犯{right}"
        matter = f"{r}涉嫌侵犯{c}的{right}" if c else f"{r}{dispute}"
    else:
        dispute = f"侵犯{right}纠纷"
        matter = f"{between}{dispute}" if between else dispute
    return {
        "claimant_word": claimant_word,
        "respondent_word": respondent_word,
        "claimants": c,
        "respondents": r,
        "between": between,
        "addressed_claimants": with_agent(c, agent_names),
        "parties": join_names([with_agent(c, agent_names),
                               *(n for n in respondent_names if (n or "").strip() not in claimant_names)]),
        "subject": subject,
        "right": right,
        "dispute": dispute,
        "matter": matter,
    }


def case_roles(case: Mapping) -> tuple[str, str] | None:
    """Role words a case's record sets apart from its procedure's: an injunction the office took up ex officio has
    no 申请人, so its parties keep the names of the main case (请求人, 投诉人 …)."""
    if case.get("procedure") == "injunction" and case.get("applied_by") == "ex_officio":
        return role_words(case.get("origin_procedure"))
    return None


def phrase_of(case: Mapping, claimants: Iterable[Mapping], respondents: Iterable[Mapping],
              agents: Iterable[Mapping] = ()) -> dict[str, str]:
    """``phrase_parts`` from a document context's ``case`` dict and party dicts."""
    return phrase_parts(procedure=case.get("procedure"), ip_type=case.get("ip_type"), roles=case_roles(case),
                        agents=(p.get("name") for p in agents),
                        right_number=case.get("right_number"), complaint_kind=case.get("kind"),
                        category=case.get("category"), claimants=(p.get("name") for p in claimants),
                        respondents=(p.get("name") for p in respondents))


_LEADING_ORDER = re.compile(r"^(?:责令|判令)?(?:" + "|".join(ALL_ROLE_WORDS) + r")?(?:应当)?[：:，,\s]*")


def order_text(text: str | None) -> str:
    """An order as the officer typed it, without a leading 责令/role word (the sentence supplies them) and
    without its final full stop: "被请求人立即停止销售。" → "立即停止销售"."""
    text = (text or "").strip()
    previous = None
    while previous != text:  # "责令被请求人：被请求人应当……" loses every repeated lead
        previous = text
        text = _LEADING_ORDER.sub("", text, count=1).strip()
    return text.rstrip("。；;，, ")
