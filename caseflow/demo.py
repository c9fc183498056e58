"""Demo data: one user per role and a dozen complaints in various states (the offices come from `migrate`).

Never in production: the demo passwords are published (the seed-demo command refuses there)."""

from __future__ import annotations

import sqlalchemy as sa

from caseflow.accounts.models import IdType, Role, Unit, User
from caseflow.accounts.services import create_user
from caseflow.cases.models import PartyRole
from caseflow.cases.services import create_case, perform
from caseflow.core.db import db

DEMO_PASSWORD = "demo-pass-2026"


DEMO_USERS = [
    ("applicant", Role.APPLICANT, None, "重庆山城科技有限公司", IdType.USCC, "91500103MA5U8KJ84F"),
    ("applicant2", Role.APPLICANT, None, "李堃", IdType.RESIDENT_ID, "11010519491231002X"),
    ("respondent", Role.RESPONDENT, None, "重庆某某贸易有限公司", None, None),
    ("officer", Role.OFFICER, "500103", "张执法", None, None),
    ("officer2", Role.OFFICER, "500103", "王喆", None, None),
    ("mediator", Role.MEDIATOR, "500103", "刘调解", None, None),
    ("supervisor", Role.SUPERVISOR, "500103", "陈负责", None, None),
    ("citysuper", Role.SUPERVISOR, "500000", "赵市局", None, None),
    ("admin", Role.ADMIN, "500000", "系统管理员", None, None),
]

COMPLAINTS = [
    ("patent_infringement", "invention", "ZL202010123456.2", "某公司销售侵犯发明专利权的空气净化器"),
    ("patent_counterfeit", "utility_model", "ZL201920765432.1", "电商店铺标注虚假专利号"),
    ("trademark", "trademark", "12345678", "解放碑商圈销售假冒注册商标的火锅底料"),
    ("copyright", "copyright", "渝作登字-2024-A-00001234", "未经许可复制发行原创插画作品"),
    ("geographical_indication", "geographical_indication", "GI-2019-018", "冒用“涪陵榨菜”地理标志"),
    ("other", "other", "—", "展会期间疑似侵权展品"),
]


def seed() -> list[tuple[str, str, str]]:
    """Load everything; running it twice changes nothing the second time."""
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    if "500103" not in units:
        raise RuntimeError("单位数据缺失：请先运行 flask --app wsgi caseflow migrate")
    users: dict[str, User] = {}
    for username, role, unit_code, name, id_type, id_number in DEMO_USERS:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            user = create_user(username=username, password=DEMO_PASSWORD, role=role, display_name=name,
                               unit=units.get(unit_code) if unit_code else None, id_type=id_type, id_number=id_number)
        users[username] = user
    if db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("cases"))) == 0:
        _demo_cases(units["500103"], users)
    return [(u, DEMO_PASSWORD, f"{r.title}" + (f"（{units[c].area}）" if c else "")) for u, r, c, *_ in DEMO_USERS]


def _demo_cases(unit: Unit, users: dict[str, User]) -> None:
    from caseflow.injunction.config import settings as injunction_settings

    applicant, officer, supervisor = users["applicant"], users["officer"], users["supervisor"]
    # Which complaint (an index into COMPLAINTS) and which actions take it to its state (through the engine, never
    # by assignment). Only a patent-infringement complaint becomes a 行政裁决 (专利法 art. 65) and only a patent
    # dispute a 行政调解 (局令81 art. 63).
    plans = [(0, []), (1, []), (2, ["accept", "request_injunction", "start_referral"]), (3, ["accept"]),
             (4, ["request_correction"]), (5, ["accept", "conclude"]), (0, ["reject"]), (1, ["withdraw"]),
             (2, ["accept", "assign"]), (3, []), (0, ["accept", "convert"]), (5, ["request_correction"]),
             (0, ["accept", "convert_mediation"])]
    if not injunction_settings()["enabled"]:  # 先行禁令 only where the office runs it (off by default)
        plans = [(which, [a for a in plan if a != "request_injunction"]) for which, plan in plans]
    for i, (which, plan) in enumerate(plans):
        kind, ip_type, number, title = COMPLAINTS[which]
        case = create_case(
            procedure="complaint", unit=unit, actor=applicant,
            fields={"kind": kind, "ip_type": ip_type, "right_number": number, "title": title,
                    "facts": f"{title}。投诉人经公证购买取得侵权产品，现提交相关证据。",
                    "claims": "请求责令被投诉人立即停止侵权行为。", "channel": "online"},
            parties=[{"role": PartyRole.CLAIMANT, "name": applicant.display_name, "id_type": IdType.USCC,
                      "id_number": applicant.id_number, "user_id": applicant.id},
                     {"role": PartyRole.RESPONDENT, "name": f"重庆某某商贸有限公司{i + 1}",
                      "address": "重庆市渝中区解放碑"}],
        )
        for step in plan:
            action, actor, data = step, officer, {}
            if action == "withdraw":
                actor, data = applicant, {"reason": "已与对方和解"}
            elif action == "reject":
                actor, data = supervisor, {"reason": "不属于本部门管辖，请向有管辖权的部门投诉。"}
            elif action == "request_correction":
                data = {"items": "请补充权利证明文件及侵权产品照片。"}
            elif action == "conclude":
                data = {"outcome": "经现场检查，被投诉人已下架涉嫌侵权商品。"}
            elif action == "assign":
                actor, data = supervisor, {"officer": "officer"}
            elif action == "convert":
                data = {"procedure": "adjudication"}
            elif action == "convert_mediation":  # both sides asked for 行政调解 (局令81 art. 63: 其他专利纠纷)
                action, data = "convert", {"procedure": "mediation", "category": "other"}
            elif action == "request_injunction":
                actor, data = applicant, {"reason": "被投诉人仍在网店销售侵权产品，请求先行发布禁令，"
                                                    "责令其立即停止销售。"}
            elif action == "start_referral":
                data = {"kind": "police", "target": "重庆市公安局渝中区分局", "parent_effect": "continue",
                        "reason": "被投诉人销售侵权产品数量较大，存在犯罪的合理嫌疑。"}
            perform(case, action, actor=actor, data={"version": case.version, **data}, via="seed")
    # 假冒专利 an officer found on an inspection (依职权): filed within 5 working days of discovery, not the 10 of a
    # report (专利行政执法办法 art. 28); there is no complainant.
    create_case(
        procedure="complaint", unit=unit, actor=officer,
        fields={"kind": "patent_counterfeit", "ip_type": "utility_model", "right_number": "ZL201920765432.1",
                "title": "五金店商品包装标注他人专利号", "channel": "ex_officio",
                "facts": "执法人员日常检查中发现，被检查人销售的管道卡箍包装上标注“专利号ZL201920765432.1”，"
                         "该专利的专利权人并非被检查人，涉嫌假冒专利。",
                "claims": "依职权立案查处。"},
        parties=[{"role": PartyRole.RESPONDENT, "name": "重庆市渝中区某某五金经营部", "address": "重庆市渝中区较场口"}],
        summary="依职权发现涉嫌假冒专利行为，登记案件")
