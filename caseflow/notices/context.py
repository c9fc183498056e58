"""The plain data a document template receives, built from a case (``case_context``) or from demo data.

Every template gets the same shape:

``office_name``, ``area``, ``doc_number``, ``date`` (成文日期, 2026年3月5日), ``recipient`` (主送), ``title``,
``case`` (number, title, procedure, right, dates …), ``claimants``/``respondents``/``agents`` (name, address,
identity), ``phrase`` (the structured parts sentences are built from: role words, names, right, dispute — see
``phrasing``), ``parts`` (the officer-editable free text), ``data`` (the action's fields), ``law`` (topic → citation of
the version in force on the document's date), ``legal`` (the legally required sentences), and for issued documents
``verify_code``, ``verify_url``, ``verify_qr``; ``draft`` is true for previews. A kind that carries respondents'
access codes (``portal_uses``) also gets ``access`` (see ``portal_access``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from flask import current_app, has_app_context

from caseflow.cases.models import Case, CaseEvent
from caseflow.config import DEV_PUBLIC_URL
from caseflow.core import clock
from caseflow.core.db import db
from caseflow.notices import catalogue, phrasing
from caseflow.notices.citations import citations_on, cite_join, cn_date, cn_number
from caseflow.notices.models import Notice, NoticeStatus
from workflows.adjudication import ARTICLE_12_GROUNDS, IP_TYPES

ID_LABELS = {"uscc": "统一社会信用代码", "resident_id": "居民身份证号码", "passport": "护照号码", "other": "证件号码"}
PROCEDURE_TITLES = {"complaint": "投诉举报", "adjudication": "专利侵权纠纷行政裁决", "mediation": "专利纠纷行政调解",
                    "injunction": "先行发布禁令", "referral": "案件移送"}
#: How a 中止处理通知书 states each ground of 局令81 art. 28 (the form's codes never reach a document); the last two
#: are grounds an earlier version offered, kept so that their cases' documents still read in words.
SUSPENSION_REASONS = {
    "invalidation": "涉案实用新型或者外观设计专利已被提出宣告专利权无效的请求，并已被国家知识产权局受理",
    "death": "一方当事人死亡，需要等待继承人表明是否参加处理",
    "incapacity": "一方当事人丧失行为能力，尚未确定法定代理人",
    "termination": "作为一方当事人的法人或者非法人组织终止，尚未确定权利义务承受人",
    "force_majeure": "一方当事人因不可抗拒的事由不能参加处理",
    "depends": "本案必须以另一案的审理结果为依据，而另一案尚未审结",
    "referred_up": "本案有关问题需要请示上级部门，尚未得到答复",
    "ownership": "涉案专利的权属纠纷正在处理中",
    "other_art29": "存在需要中止处理的情形",
}
SUSPENSION_GENERIC = "存在依法应当中止处理的情形"


def suspension_reason(data: Mapping) -> str:
    """The ground of a 中止 in words, with the officer's details (never the form's code)."""
    code = str(data.get("reason") or "")
    text = SUSPENSION_REASONS.get(code, SUSPENSION_GENERIC)
    detail = str(data.get("detail") or "").strip().rstrip("。")
    return f"{text}（{detail}）。" if detail else f"{text}。"


def infringement_topic(ip_type: str | None) -> str:
    """专利法 art. 11: para. 1 for inventions and utility models, para. 2 for designs."""
    return "patent.infringement_design" if ip_type == "design" else "patent.infringement"


def adjudication_words(text: str) -> str:
    """Text a complaint carried (投诉人, 被投诉人) in the role words of a 行政裁决 (请求人, 被请求人)."""
    return (text or "").replace("被投诉人", "被请求人").replace("投诉人", "请求人")


_OFFICE_IN_BRACKETS = re.compile(r"（([^（）]*知识产权局)）")


def office_display_name(unit_name: str) -> str:
    """The issuing office as documents name it: 重庆市渝中区市场监督管理局（重庆市渝中区知识产权局） → the IP office."""
    match = _OFFICE_IN_BRACKETS.search(unit_name or "")
    return match.group(1) if match else (unit_name or "")


def mask_name(name: str | None) -> str:
    """A recipient's name for the public verification page: 王* / 王*福 / 重庆********公司."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


def join_names(names) -> str:
    return "、".join(n for n in names if n)


def party_dict(p) -> dict:
    id_type = getattr(p.id_type, "value", p.id_type)
    role = getattr(p.role, "value", p.role)
    return {"id": p.id, "role": role, "name": p.name, "address": p.address or "",
            "id_label": ID_LABELS.get(id_type or "", ""), "id_number": p.id_number or ""}


def recipient_text(kind: catalogue.NoticeKind, claimants: list[dict], respondents: list[dict],
                   parts: Mapping, agents: Sequence[Mapping] = ()) -> str:
    """主送 as printed: the claimants named with their agent, when the case records one."""
    if kind.recipient == "claimant":
        return phrasing.with_agent(join_names(p["name"] for p in claimants), (a["name"] for a in agents))
    if kind.recipient == "respondent":
        return join_names(p["name"] for p in respondents)
    if kind.recipient == "external":
        return (parts.get("addressee") or "").strip()
    return ""


#: Keys of a notice's data: the one party a document is addressed to (a document carrying an access code goes to each
#: respondent on its own), and the set its siblings share (their service together ends the office's service period).
ADDRESSEE_KEY = "addressee_party_id"
SET_KEY = "served_as_set"


def recipients_of(kind: catalogue.NoticeKind, parties, data: Mapping | None = None) -> list:
    """The parties a document is served on (only its addressee, when it has one)."""
    roles = {"claimant": {"claimant"}, "respondent": {"respondent"}, "parties": {"claimant", "respondent"},
             "external": set()}[kind.recipient]
    addressee = (data or {}).get(ADDRESSEE_KEY)
    return [p for p in parties if getattr(p.role, "value", p.role) in roles and (not addressee or p.id == addressee)]


def assemble(kind: catalogue.NoticeKind, *, procedure: str, office_name: str, area: str, case: dict,
             claimants: list[dict], respondents: list[dict], agents: list[dict], parts: Mapping, data: Mapping,
             on: dt.date, doc_number: str | None = None, extra: Mapping | None = None) -> dict:
    """The full template context of one document on one date."""
    phrase = phrasing.phrase_of(case, claimants, respondents, agents)
    ctx = {
        "kind": kind.code,
        "title": catalogue.document_title(kind, procedure, data),
        "office_name": office_name,
        "area": area,
        "doc_number": doc_number or "",
        "date": cn_date(on),
        "date_iso": on.isoformat(),
        "case": case,
        "claimants": claimants,
        "respondents": respondents,
        "agents": agents,
        "parts": dict(parts),
        "data": dict(data),
        "law": citations_on(on),
        "decision_basis": cite_join((infringement_topic(case.get("ip_type")), "patent.dispute",
                                     "adj.decision_content"), on),
        "referral_basis": cite_join(("referral.threshold", "referral.procedure"), on),
        "legal": catalogue.legal_notices(kind.code, procedure=procedure, on=on, area=area, data=data,
                                         case_kind=case.get("kind"), roles=(phrase["claimant_word"],
                                                                            phrase["respondent_word"]),
                                         ex_officio=case.get("applied_by") == "ex_officio"),
        "reconsideration_body": catalogue.reconsideration_body(area),
        "recipient": recipient_text(kind, claimants, respondents, parts, agents),
        "phrase": phrase,
        # 法律文书 start at the top of the 版心 (as 行政执法文书 do) rather than 35 mm below it.
        "masthead_compact": True,
    }
    if extra:
        ctx.update(extra)
    return ctx


def public_base_url() -> str:
    """The public address documents print (verification, the portal): the configured PUBLIC_URL, never the request's
    Host header (a client chooses that one, and a document must not send its reader wherever the request came from)."""
    configured = str(current_app.config.get("PUBLIC_URL") or "").strip() if has_app_context() else ""
    return (configured or DEV_PUBLIC_URL).rstrip("/")


ACCESS_PATH = "/hearings/access"  # hearings.access_code; the respondent tests enter the printed code there


def portal_access(kind: catalogue.NoticeKind, base_url: str, codes: list[tuple[str, str]]) -> dict | None:
    """What a document that carries access codes prints: the portal's address, what a respondent does there, where a
    code is entered and each unlinked respondent's code as (name, code); None for other kinds."""
    if not kind.portal_uses:
        return None
    return {"url": base_url, "access_url": base_url + ACCESS_PATH, "uses": kind.portal_uses,
            "codes": [{"name": name, "code": code} for name, code in codes]}


def hearing_time_place(data: Mapping, extra: Mapping) -> str:
    """口头审理的时间和地点 from the scheduling form, or the remote link.

    E.g. 2026年12月10日上午9时30分，第一审理庭（地址）.
    """
    raw = str(data.get("hearing_date") or "").strip()
    try:
        when = cn_date(dt.date.fromisoformat(raw))
    except ValueError:
        return raw  # free text from an older form: keep it as written
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", str(data.get("start_time") or "").strip())
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        noon = "上午" if hour < 12 else ("中午" if hour == 12 else "下午")
        when += f"{noon}{hour if hour <= 12 else hour - 12}时" + (f"{minute}分" if minute else "")
    if data.get("mode") == "remote" or "remote_link" in extra:
        link = str(data.get("link") or extra.get("remote_link") or "").strip()
        return f"{when}，远程在线审理" + (f"（链接：{link}）" if link else "")
    place = extra.get("room") or (f"{data['room']}号审理庭" if data.get("room") else "")
    return f"{when}，{place}" if place else when


# ---------------------------------------------------------------------------------------------------------
# Default text of the editable parts when a document is drafted
# ---------------------------------------------------------------------------------------------------------


def correction_days(data: Mapping) -> int:
    """The 补正期限 the action set (``due_in_days``), 15 days when none: the period its deadline runs."""
    try:
        days = int(data.get("due_in_days") or 15)
    except (TypeError, ValueError):
        days = 15
    return days if 0 < days < 10000 else 15


def default_parts(kind: catalogue.NoticeKind, *, procedure: str, case, data: Mapping,
                  extra: Mapping | None = None) -> dict:
    """The editable parts pre-filled from the action's fields and the case, for the officer to revise."""
    extra = extra or {}
    facts = (getattr(case, "facts", "") or "").strip()
    claims = (getattr(case, "claims", "") or "").strip()
    reason = (data.get("reason") or "").strip() if isinstance(data.get("reason"), str) else ""
    code = kind.code
    out: dict[str, str] = {}
    if code == "rejection":
        out = {"reasons": reason, "competent_department": (data.get("competent_department") or "").strip()}
    elif code == "correction":
        out = {"items": (data.get("items") or "").strip(), "period": f"{cn_number(correction_days(data))}日"}
    elif code == "hearing_notice":
        out = {"time_place": hearing_time_place(data, extra), "panel": extra.get("panel", ""), "notes": ""}
    elif code == "suspension":
        out = {"reason": suspension_reason(data)}
    elif code == "resumption":
        out = {"reason": "中止处理的原因已经消除"}
    elif code == "extension":
        # 局令81 art. 37: +1 month by the head first, then up to +2 months by the superior office (drafted before
        # the action's effects count this extension).
        used = int((getattr(case, "data", None) or {}).get("case_limit_extensions") or 0)
        out = {"reason": reason, "period": "两个月" if used >= 1 else "一个月"}
    elif code == "decision":
        reasons = (data.get("reasons") or "").strip()
        if data.get("outcome") == "dismissed":
            measures = "驳回请求人的处理请求。"
        else:
            # 局令81 art. 32: the order names the type, object and scope of the acts to stop, as the panel wrote it.
            _, right = phrasing.right_parts(getattr(case, "ip_type", None), getattr(case, "right_number", None),
                                            procedure)
            ordered = phrasing.order_text(data.get("measures")) or (
                "立即停止制造、使用、许诺销售、销售、进口被诉侵权产品；库存侵权产品不得投放市场")
            measures = f"（一）认定被请求人的被诉行为侵犯请求人{right}。\n（二）责令被请求人{ordered}。"
        # The 2019 template leads the claims with "请求人请求："; a request that came as a complaint speaks of
        # 投诉人/被投诉人, which a 行政裁决 does not.
        asked = adjudication_words(claims)
        if asked and not asked.startswith("请求人请求"):
            asked = f"请求人请求：{asked}"
        # 经审理查明 is what the office found, never the request's own account (``case.facts``): the panel writes it.
        out = {"claims": asked, "defence": extra.get("defence", ""), "findings": "", "reasons": reasons,
               "measures": measures}
    elif code == "revocation":
        out = {"reason": reason}
    elif code == "reminder":
        out = {"obligation": extra.get("obligation") or "履行本局行政裁决书确定的停止侵权义务。",
               "period": "自收到本催告书之日起十日内"}
    elif code == "enforcement_application":
        # The office's own 申请事由, never the request's account of the infringement (``case.facts``): the template
        # already states the decision, its service and the failed 催告 from the record.
        out = {"addressee": (data.get("target") or "").strip() or "有管辖权的人民法院",
               "obligation": extra.get("obligation") or "责令被申请人立即停止侵犯专利权的行为。",
               "facts": reason}
    elif code == "conclusion":
        out = {"outcome": (data.get("outcome") or "").strip()}
    elif code == "mediation_agreement":
        # Both parties sign it: the request's account goes in as the requester's (请求人称), for the mediator to
        # restate as the facts the parties agree on, never as facts found.
        said = f"{phrasing.role_words(procedure)[0]}称：{facts}" if facts else ""
        out = {"facts": said, "terms": (data.get("terms") or "").strip()}
    elif code == "mediation_termination":
        # The facts; the document's next sentence states how the law treats them (局令81 arts 67, 69).
        absent = {"requester": "请求人经本局通知，无正当理由不参加调解。",
                  "respondent": "被请求人经本局通知，无正当理由不参加调解。"}
        out = {"reason": reason or absent.get(data.get("absence") or "", "") or "双方当事人未能达成调解协议。"}
    elif code == "confirmation_notice":
        out = {"court": (data.get("court") or "").strip() or "有管辖权的人民法院", "notes": ""}
    elif code == "injunction_order":
        # The office's 审查意见 (required at issuing), not the application's own account.
        out = {"facts": (data.get("findings") or "").strip(),
               "measures": _injunction_measures(data),
               "duration": data.get("duration_text") or "自本决定书送达之日起至主案办结之日止",
               "legal_basis": data.get("legal_basis") or "本局先行发布禁令制度的有关规定"}
    elif code == "platform_notice":
        out = {"addressee": (data.get("platform") or "").strip(), "listings": (data.get("listings") or "").strip(),
               "measures": "请自收到本通知之日起立即删除、屏蔽或者断开上列涉嫌侵权产品的网络销售链接，"
                           "并将处理情况书面告知本局。"}
    elif code == "injunction_lift":
        out = {"reason": reason}
    elif code == "injunction_refusal":
        from workflows.injunction import REFUSE_REASONS

        ground = REFUSE_REASONS.get(data.get("ground") or "", "")
        out = {"reason": "；".join(t for t in (ground if data.get("ground") != "other" else "", reason) if t)}
    elif code == "criminal_referral":
        # The facts as the office stated them when it started the referral, never the request's own account; a
        # 鉴定意见 is listed only when the record holds one (国务院令310 art. 6 lists it "有关").
        materials = ["涉嫌犯罪案件调查报告", "涉案物品清单",
                     *(["有关检验报告或者鉴定意见"] if extra.get("expert_opinion") else []), "其他有关涉嫌犯罪的材料"]
        out = {"addressee": (data.get("target") or "").strip(), "facts": reason,
               "materials": "\n".join(f"{i}. {m}{'。' if i == len(materials) else '；'}"
                                      for i, m in enumerate(materials, 1))}
    elif code == "reconsideration_request":
        decided = extra.get("police_decision") or {}
        out = {"addressee": (data.get("target") or "").strip(),
               "decision": " ".join(v for v in (decided.get("document_number"), decided.get("note")) if v)
               or "不予立案决定",
               "grounds": (data.get("grounds") or "").strip()}
    elif code == "supervision_proposal":
        out = {"addressee": (data.get("procuratorate") or "").strip(),
               "history": extra.get("history") or "",
               "grounds": (data.get("grounds") or "").strip()}
    elif code == "case_transfer":
        out = {"addressee": (data.get("target") or "").strip(), "reason": reason,
               "materials": "案件材料一宗（含请求书、证据材料及已作出的文书）。"}
    elif code == "rectification":
        out = {"errors": (data.get("errors") or "").strip()}  # what the 更正 action recorded
    elif code == "decision_amendment":
        # A revocation says which decision it revokes; a variation's new terms are the officer's to write.
        original = extra.get("original") or {}
        revoked = "撤销本局{date}作出的《{title}》（{number}）。".format_map(original) if original else ""
        out = {"reasons": (data.get("reasons") or "").strip(),
               "measures": revoked if data.get("change") == "revoke" else ""}
    for part in kind.parts:
        out.setdefault(part.name, "")
    return {k: v for k, v in out.items() if kind.part(k) is not None}


def _injunction_measures(data: Mapping) -> str:
    """The measures an injunction orders, one numbered line each, then the products and listings concerned."""
    from workflows.injunction import MEASURES

    raw = data.get("measures") or []
    if isinstance(raw, str):
        raw = [raw]
    lines = [f"{i}. {MEASURES.get(m, m)}；" for i, m in enumerate(raw, 1)]
    products = (data.get("products") or "").strip() if isinstance(data.get("products"), str) else ""
    if products:
        lines.append(f"涉嫌侵权产品及范围：{products}")
    listings = (data.get("listings") or "").strip() if isinstance(data.get("listings"), str) else ""
    if listings:
        lines.append(f"涉嫌侵权的网络销售链接：{listings}")
    return "\n".join(lines)


def case_dict(case, *, docketed_on: dt.date | None = None) -> dict:
    """The case as a document template sees it."""

    data = case.data or {}
    return {
        "number": case.number,
        "title": case.title,
        "procedure": case.procedure,
        "procedure_title": PROCEDURE_TITLES.get(case.procedure, case.procedure),
        "right_number": case.right_number or "",
        "right_title": IP_TYPES.get(case.ip_type or "", ""),
        "ip_type": case.ip_type or "",
        "kind": case.kind or "",  # a complaint's kind (patent_infringement, patent_counterfeit …)
        "category": data.get("category") or "",  # a mediation's dispute category
        "asserted_claims": case.asserted_claims or "",
        "facts": case.facts or "",
        "claims": case.claims or "",
        "received": cn_date(clock.beijing_date(case.received_at)) if case.received_at else "",
        # 局令81 art. 20: whether a 合议组 was formed (the documents say it heard the case only then).
        "panel": bool(data.get("panel")),
        "docketed": cn_date(docketed_on) if docketed_on else "",
        "origin": data.get("origin") or data.get("main_case") or "",
        # The procedure of the case it came from (a 移送 out of a patent dispute cites that dispute's articles).
        "origin_procedure": case.parent.procedure if getattr(case, "parent", None) is not None else "",
        "referral_kind": data.get("referral_kind") or "",
        "applied_by": data.get("applied_by") or "",  # 先行禁令: rights_holder or ex_officio
        "target": data.get("target") or "",
    }


# ---------------------------------------------------------------------------------------------------------
# Demo data (notice-sample, bench, tests): invented parties whose names use rare characters
# ---------------------------------------------------------------------------------------------------------

SAMPLE_DATE = dt.date(2026, 3, 5)
SAMPLE_OFFICE = "重庆市渝中区知识产权局"
SAMPLE_CLAIMANTS = [
    {"id": 1, "role": "claimant", "name": "重庆堃泰机电科技有限公司", "address": "重庆市渝中区解放碑民族路188号",
     "id_label": "", "id_number": ""},
    {"id": 2, "role": "claimant", "name": "王喆", "address": "重庆市渝北区龙兴镇聚金大道88号", "id_label": "",
     "id_number": ""},
]
SAMPLE_RESPONDENTS = [
    {"id": 3, "role": "respondent", "name": "重庆市渝中区𠮷祥五金机电经营部",
     "address": "重庆市渝中区较场口日月光广场B座216号", "id_label": "经营者", "id_number": "𠮷永福"},
    {"id": 4, "role": "respondent", "name": "李赟", "address": "重庆市九龙坡区杨家坪正街18号", "id_label": "",
     "id_number": ""},
]
SAMPLE_AGENTS: list[dict] = []

SAMPLE_CASES = {
    "adjudication": {"number": "渝中知裁〔2026〕7号", "procedure": "adjudication",
                     "title": "“一种防松脱管道卡箍”实用新型专利侵权纠纷"},
    "complaint": {"number": "渝中知投〔2026〕31号", "procedure": "complaint",
                  "title": "销售侵犯实用新型专利权的管道卡箍"},
    "mediation": {"number": "渝中知调〔2026〕4号", "procedure": "mediation",
                  "title": "“一种防松脱管道卡箍”专利侵权赔偿纠纷"},
    "injunction": {"number": "渝中知禁〔2026〕2号", "procedure": "injunction", "title": "先行发布禁令申请"},
    "referral": {"number": "渝中知移〔2026〕3号", "procedure": "referral", "title": "涉嫌假冒专利犯罪案件移送"},
}

_FINDINGS = (
    "涉案专利为ZL202221345678.9号“一种防松脱管道卡箍”实用新型专利，专利权人为重庆堃泰机电科技有限公司、王喆，"
    "至今有效。\n"
    "请求人经公证在被请求人经营场所购得“JX-60”型管道卡箍；本局现场检查发现库存三百四十件，经营者𠮷永福签字确认。"
)
_REASONS = (
    "依照{scope}，实用新型专利权的保护范围以其权利要求的内容为准。"
    "被诉侵权产品的楔形齿与权利要求1的“单向棘齿”手段、功能、效果基本相同，构成等同特征，落入其保护范围。\n"
    "被请求人未经许可，为生产经营目的销售、许诺销售该产品，构成{infringement}所规定的侵犯专利权的行为。"
)


def sample_parts(code: str, law: Mapping) -> dict:
    """Realistic text for every editable part of a kind (demo data)."""
    samples = {
        "acceptance": {"notes": "本案由本局执法人员王喆、李赟承办，联系电话023-63800000。"},
        "rejection": {"reasons": "经审查，被请求人与本案请求人就同一专利侵权纠纷已向重庆市第一中级人民法院起诉，"
                                 "并已被受理，不符合受理条件。",
                      "competent_department": ""},
        "correction": {"items": "1. 请提交涉案专利的专利登记簿副本；\n2. 请提交被请求人的主体资格证明；\n"
                                "3. 请明确本案请求保护的权利要求。",
                       "period": "十五日"},
        "answer_notice": {"notes": "本案由本局执法人员王喆、李赟承办。"},
        "hearing_notice": {"time_place": "2026年3月24日上午9时30分，"
                                         "重庆市渝中区知识产权局第一审理室（重庆市渝中区中山三路131号）",
                           "panel": "王喆（组长）、李赟、张堃", "notes": "请携带身份证明原件及证据原件参加口头审理。"},
        "suspension": {"reason": SUSPENSION_REASONS["invalidation"]},
        "suspension_refusal": {"application": "被请求人于2026年2月10日以已向国家知识产权局提出无效宣告请求为由，"
                                              "申请中止处理本案。",
                               "reason": "请求人出具的专利权评价报告未发现涉案实用新型专利"
                                         "存在不符合授予专利权条件的缺陷，"
                                         "被请求人的中止理由明显不能成立。"},
        "resumption": {"reason": "国家知识产权局已作出维持涉案专利权有效的审查决定，中止处理的原因已经消除。"},
        "jurisdiction_decision": {"objection": "被请求人认为其住所地不在本局辖区，本局对本案没有管辖权。",
                                  "reasons": "被诉侵权产品的销售地即被请求人的经营场所位于重庆市渝中区，"
                                             "属于侵权行为地，"
                                             "本局对本案具有管辖权。",
                                  "decision": "驳回被请求人提出的管辖权异议。"},
        "recusal_decision": {"application": "被请求人申请办案人员张堃回避，理由是张堃曾在请求人处任职。",
                             "reasons": "经查，张堃于2019年至2021年在请求人处任职，可能影响案件的公正处理。",
                             "decision": "准予被请求人的回避申请，由本局另行指定办案人员。"},
        "extension": {"reason": "本案涉及的技术事实复杂，需要进行技术比对和现场勘验，不能在规定期限内办结。",
                      "period": "一个月"},
        "decision": {"claims": "请求人请求：责令被请求人停止销售侵犯其专利权的“JX-60”型管道卡箍。",
                     "defence": "被请求人辩称：其产品结构与涉案专利不同，请求驳回处理请求。",
                     "findings": _FINDINGS,
                     "reasons": _REASONS.format(scope=law.get("patent.scope", ""),
                                                infringement=law.get("patent.infringement", "")),
                     "measures": "（一）认定被请求人销售、许诺销售"
                                 "“JX-60”型管道卡箍的行为侵犯请求人ZL202221345678.9号实用新型专利权。\n"
                                 "（二）责令被请求人立即停止销售、许诺销售被诉侵权产品，删除网络店铺中的相关商品链接，"
                                 "库存侵权产品在本局监督下予以销毁。"},
        "rectification": {"errors": "原文书第2页第3段“2025年11月5日立案”应为“2025年11月6日立案”。"},
        "revocation": {"reason": "请求人与被请求人已自行达成和解协议，请求人于2026年2月28日向本局提出撤回处理请求。"},
        "reminder": {"obligation": "立即停止销售、许诺销售“JX-60”型管道卡箍，删除网络店铺中的相关商品链接，"
                                   "库存侵权产品在本局监督下予以销毁。",
                     "period": "自收到本催告书之日起十日内"},
        "enforcement_application": {"addressee": "重庆市第一中级人民法院",
                                    "obligation": "责令被申请人立即停止销售、许诺销售“JX-60”型管道卡箍，"
                                                  "并销毁库存侵权产品。",
                                    "facts": "本局于2026年1月20日作出行政裁决，责令被申请人立即停止侵权行为。"
                                             "被申请人在法定期限内"
                                             "未提起行政诉讼，经本局催告后仍未履行。"},
        "conclusion": {"outcome": "经调查，被投诉人销售的产品侵犯你单位的实用新型专利权，"
                                  "本局已责令其停止销售并下架相关商品。"},
        "statement_notice": {"notes": "随本通知送达调解请求书副本一份。"},
        "mediation_agreement": {"facts": "请求人认为被请求人销售的“JX-60”型管道卡箍侵犯其实用新型专利权，"
                                         "双方就赔偿数额发生争议。",
                                "terms": "一、被请求人于2026年3月20日前向请求人支付赔偿金人民币三万元；\n"
                                         "二、被请求人不再销售、许诺销售被诉侵权产品；\n三、双方就本纠纷再无其他争议。"},
        "mediation_termination": {"reason": "被请求人无正当理由未参加调解，双方未能达成调解协议。"},
        "confirmation_notice": {"court": "重庆市渝中区人民法院", "notes": ""},
        "injunction_order": {"facts": "请求人提交的公证书、购买凭证及技术比对材料表明，被申请人正在销售的"
                                      "“JX-60”型管道卡箍涉嫌侵犯请求人的实用新型专利权，"
                                      "且持续销售将使请求人的合法权益受到难以弥补的损害。",
                             "measures": "立即停止销售、许诺销售“JX-60”型管道卡箍，并下架网络店铺中的相关商品链接。",
                             "duration": "自本决定书送达之日起至主案办结之日止",
                             "legal_basis": "本局先行发布禁令制度的有关规定"},
        "injunction_lift": {"reason": "被申请人已提供充分证据证明被诉产品未落入涉案专利的保护范围。"},
        "injunction_refusal": {"reason": "现有证据不足以证明存在侵权事实：申请人提交的网页截图未经公证，"
                                         "不能证明被申请人正在销售涉嫌侵权产品。"},
        "platform_notice": {"addressee": "某电子商务平台经营者",
                            "listings": "1. 店铺“𠮷祥五金”商品编号 6627183920：“JX-60”型管道卡箍；\n"
                                        "2. 店铺“𠮷祥五金”商品编号 6627183921：“JX-60B”型管道卡箍。",
                            "measures": "请自收到本通知之日起立即删除、屏蔽或者断开上列涉嫌侵权产品的网络销售链接，"
                                        "并将处理情况书面告知本局。"},
        "criminal_referral": {"addressee": "重庆市公安局渝中区分局",
                              "facts": "被申请人𠮷永福在其经营场所销售标有他人专利号的管道卡箍一千二百件，"
                                       "非法经营数额达人民币二十四万元，涉嫌假冒专利罪。",
                              "materials": "1. 涉嫌犯罪案件调查报告；\n2. 涉案物品清单；\n"
                                           "3. 有关检验报告或者鉴定意见；\n4. 其他有关涉嫌犯罪的材料。"},
        "reconsideration_request": {"addressee": "重庆市公安局渝中区分局",
                                    "decision": "渝公（渝中）不立字〔2026〕3号不予立案通知书",
                                    "grounds": "被申请人𠮷永福销售标有他人专利号的管道卡箍一千二百件，"
                                               "非法经营数额达人民币二十四万元，"
                                               "已达到假冒专利罪的立案追诉标准，应当立案侦查。"},
        "supervision_proposal": {"addressee": "重庆市渝中区人民检察院",
                                 "history": "本局于2026年3月2日将该案移送重庆市公安局渝中区分局，该局决定不予立案；"
                                            "本局提请复议后，该局维持不予立案决定。",
                                 "grounds": "涉案非法经营数额已达到立案追诉标准，公安机关应当立案而不立案。"},
        "case_transfer": {"addressee": "重庆市江北区知识产权局",
                          "reason": "经审查，被诉侵权行为地和被请求人住所地均在重庆市江北区，本案应由你局管辖。",
                          "materials": "案件材料一宗（含请求书、证据材料共计四十六页）。"},
        "evidence_list": {"notes": "以上证据材料的电子文件以SHA-256数字摘要标识，可在本局案件系统核对。"},
        "service_receipt": {},
    }
    return dict(samples.get(code, {}))


SAMPLE_EXTRA = {
    "fails_article_12": True,  # the sample 不予受理通知书: a request without a named respondent
    "reconsidered": True,  # the sample 立案监督建议书: after the police kept their refusal on reconsideration
    "evidence": [
        {"label": "证据1", "title": "涉案专利证书及专利登记簿副本", "kind": "书证",
         "description": "证明请求人的专利权合法有效",
         "submitted_by": "重庆堃泰机电科技有限公司", "received": "2025年11月3日", "sha256": "3f9a1c0e5b7d2a4c"},
        {"label": "证据2", "title": "（2025）渝中证字第1234号公证书", "kind": "书证",
         "description": "证明被请求人销售被诉侵权产品",
         "submitted_by": "重庆堃泰机电科技有限公司", "received": "2025年11月3日", "sha256": "8b2e77d10a9c4f3e"},
        {"label": "证据3", "title": "现场检查笔录及照片", "kind": "勘验笔录",
         "description": "证明被请求人库存侵权产品三百四十件",
         "submitted_by": "本局", "received": "2025年11月18日", "sha256": "c41d09e6f2a8b753"},
        {"label": "证据4", "title": "送货单三张", "kind": "书证", "description": "被请求人主张合法来源",
         "submitted_by": "重庆市渝中区𠮷祥五金机电经营部", "received": "2025年12月2日", "sha256": "07e5a9b3c1d2f486"},
    ],
    "original": {"title": "专利侵权纠纷行政裁决书", "number": "渝中知保裁字〔2026〕3号", "date": "2026年1月20日"},
    "receipt": {"document": "专利侵权纠纷行政裁决书", "number": "渝中知保裁字〔2026〕12号",
                "recipient": "重庆市渝中区𠮷祥五金机电经营部", "address": "重庆市渝中区较场口日月光广场B座216号",
                "proxy": ""},
}


def sample_context(code: str, *, draft: bool = False) -> dict:
    """A complete context for one kind with demo data (no database)."""
    from caseflow.notices.rendering import qr_data_url

    kind = catalogue.kind(code)
    procedure = next((p for p in ("adjudication", "complaint", "mediation", "injunction", "referral")
                      if p in kind.procedures), "adjudication")
    case = {**SAMPLE_CASES[procedure], "procedure_title": PROCEDURE_TITLES[procedure],
            "right_number": "ZL202221345678.9", "right_title": "实用新型专利", "asserted_claims": "权利要求1",
            "ip_type": "utility_model", "kind": "patent_infringement", "category": "damages",
            "facts": "被请求人在其经营场所销售涉嫌侵犯请求人实用新型专利权的管道卡箍。",
            "claims": "请求责令被请求人停止侵权。", "panel": True,
            "received": "2025年11月3日", "docketed": "2025年11月6日", "origin": "渝中知裁〔2026〕7号",
            "origin_procedure": "adjudication", "referral_kind": "police", "target": ""}
    law = citations_on(SAMPLE_DATE)
    number = f"渝中知{kind.word}〔2026〕12号" if kind.numbered else ""
    verify_code = "7KQ4M2XD9PWE"
    verify_page = "https://zscq.example.gov.cn/verify"
    extra: dict[str, object] = dict(SAMPLE_EXTRA)
    if not draft and kind.numbered:
        extra.update(verify_code=format_code(verify_code), verify_url=verify_page,
                     verify_qr=qr_data_url(f"{verify_page}/{verify_code}"))
    extra["draft"] = draft
    extra["data"] = {"outcome": "infringement"}
    extra["panel_names"] = "王喆、李赟、张堃" if procedure == "adjudication" else ""
    extra["access"] = portal_access(kind, "https://zscq.example.gov.cn",
                                    [(str(p["name"]), "H7QK-3MZP-W9TB") for p in SAMPLE_RESPONDENTS[:1]])
    return assemble(kind, procedure=procedure, office_name=SAMPLE_OFFICE, area="渝中区", case=case,
                   claimants=SAMPLE_CLAIMANTS, respondents=SAMPLE_RESPONDENTS, agents=SAMPLE_AGENTS,
                   parts=sample_parts(code, law), data={"outcome": "infringement"}, on=SAMPLE_DATE,
                   doc_number=number, extra=extra)


def format_code(code: str) -> str:
    """7KQ4M2XD9PWE → 7KQ4-M2XD-9PWE (how the code is printed)."""
    code = (code or "").replace("-", "").upper()
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# ---- the context of a real notice (read from its case) ----


def panel_names(case: Case) -> str:
    """The 合议组 as documents name it (局令81 arts 5, 20): the members' names, in the order the office set."""
    from caseflow.accounts.services import display_names

    members = list((case.data or {}).get("panel") or []) if case.procedure == "adjudication" else []
    if not members:
        return ""
    names = display_names(members)
    return join_names(names.get(m, m) for m in members)


def _docketed_on(case: Case) -> dt.date | None:
    action = {"adjudication": "docket", "mediation": "docket", "complaint": "accept"}.get(case.procedure)
    if not action:
        return None
    at = db.session.scalar(sa.select(CaseEvent.occurred_at).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action, CaseEvent.tag == f"case:state:{action}")
        .order_by(CaseEvent.seq).limit(1))
    return clock.beijing_date(at) if at else None


def draft_number(notice: Notice, on: dt.date) -> str:
    """How the number reads on a draft: the word and year, the sequence left blank until issue."""
    kind = catalogue.kind(notice.kind)
    return f"{notice.unit.prefix}{kind.word}〔{on.year}〕　号" if kind.numbered else ""


def original_of(notice: Notice) -> dict:
    """The issued document a 更正 or a 变更、撤销 refers to, as its text names it."""
    return {"title": notice.title, "number": notice.number or "", "date": cn_date(notice.document_date)}


def build_context(notice: Notice, *, on: dt.date | None = None, final: Mapping | None = None) -> dict:
    """The plain data the notice's template renders (a draft's, or with ``final`` the issued one's)."""
    if notice.status == NoticeStatus.ISSUED and notice.context and final is None:
        return dict(notice.context)
    case = notice.case
    kind = catalogue.kind(notice.kind)
    on = on or notice.document_date or clock.today()
    extra: dict = {"draft": final is None, "panel_names": panel_names(case)}
    data = dict(notice.data or {})
    if kind.code == "decision" and "outcome" not in data:
        # A 变更 of the decision (art. 33) keeps the outcome the decision had.
        data["outcome"] = ((case.data or {}).get("decide") or {}).get("outcome")
    if kind.code == "supervision_proposal":
        # The 复议决定书 goes with the letter only when the police were asked to reconsider (国务院令310 art. 9 also
        # allows going to the procuratorate straight after a refusal).
        extra["reconsidered"] = bool(db.session.scalar(sa.select(sa.exists().where(
            CaseEvent.case_id == case.id, CaseEvent.action == "record_reconsideration"))))
    if kind.code == "rejection":
        # 局令81: a request refused for want of an art. 12 condition says so; one refused under art. 14, 16 or 18
        # (or on a ground not recorded) does not claim it.
        extra["fails_article_12"] = data.get("ground") in ARTICLE_12_GROUNDS
    if kind.code == "extension":
        extra["extended_to"] = _case_limit_due(case)
    if kind.code == "evidence_list":
        extra["evidence"] = _evidence_rows(case)
    if kind.portal_uses:
        extra["access"] = portal_access(kind, public_base_url(), _access_codes(case, notice.party_ids))
    if data.get(ADDRESSEE_KEY):
        extra["recipient"] = join_names(p.name for p in recipients_of(kind, case.parties, data))
    if notice.corrects is not None:
        extra["original"] = original_of(notice.corrects)
    if kind.code == "decision_amendment":
        extra["change"] = data.get("change") or ""
    if final:
        extra.update(final)
    return case_context(
        kind, case, office_name=office_display_name(notice.unit.name), area=notice.unit.area,
        parts=notice.parts or {}, data=data, on=on, docketed_on=_docketed_on(case),
        doc_number=(final or {}).get("doc_number") or draft_number(notice, on), extra=extra)


def case_context(kind: catalogue.NoticeKind, case: Case, *, on: dt.date, office_name: str, area: str,
                 parts: Mapping | None = None, data: Mapping | None = None, docketed_on: dt.date | None = None,
                 doc_number: str | None = None, extra: Mapping | None = None) -> dict:
    """A document's context from a case (stored or not): its parties, and its parts as given or as drafted."""
    parties = [party_dict(p) for p in case.parties]
    claimants = [p for p in parties if p["role"] == "claimant"]
    respondents = [p for p in parties if p["role"] == "respondent"]
    agents = [p for p in parties if p["role"] == "agent"]
    data = dict(data or {})
    if parts is None:
        parts = default_parts(kind, procedure=case.procedure, case=case, data={**(case.data or {}), **data},
                              extra=extra)
    return assemble(kind, procedure=case.procedure, office_name=office_name, area=area,
                    case=case_dict(case, docketed_on=docketed_on), claimants=claimants, respondents=respondents,
                    agents=agents, parts=parts, data=data, on=on, doc_number=doc_number, extra=extra)


def _case_limit_due(case: Case) -> str:
    from caseflow.deadlines.models import Deadline

    due = db.session.scalar(sa.select(Deadline.due_date).where(
        Deadline.case_id == case.id, Deadline.rule_id == "ADJ_CASE_LIMIT").order_by(Deadline.id.desc()).limit(1))
    return cn_date(due) if due else ""


def _access_codes(case: Case, party_ids: list[int]) -> list[tuple[str, str]]:
    """(name, code) of the document's own recipients whose code is not used yet (linked ones log in)."""
    from caseflow.hearings.access import codes_of

    names = {p.id: p.name for p in case.parties if p.id in party_ids and p.user_id is None}
    return [(names[row.party_id], row.code) for row in codes_of(case)
            if row.party_id in names and row.code and row.claimed_at is None]


def _evidence_rows(case: Case) -> list[dict]:
    from caseflow.evidence.services import list_evidence

    rows = []
    for e in list_evidence(case, current_only=True):
        submitter = e.submitted_by.display_name if e.submitted_as != "staff" else "本局"
        rows.append({"label": e.label, "title": e.title, "kind": e.kind.title, "description": e.description or "",
                     "submitted_by": submitter, "received": cn_date(clock.beijing_date(e.received_at)),
                     "sha256": e.sha256[:16]})
    return rows

