"""The form an officer fills in to register a referral received from the police or another agency."""

from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseflow.cases.forms import IP_TYPES
from caseflow.core.forms import BaseForm, ChineseSelectField, to_choices
from caseflow.referral.services import INCOMING_SOURCES
from workflows.complaint import KINDS


def _required(label: str, verb: str = "填写"):
    return DataRequired(message=f"请{verb}“{label}”")


class IncomingReferralForm(BaseForm):
    """移送来案: who sent it, their document, the matter; it becomes a 投诉举报 case in intake (channel 转办)."""

    source = ChineseSelectField("移送来源", choices=to_choices([("", "请选择"), *INCOMING_SOURCES.items()]),
                                validators=[_required("移送来源", "选择")])
    sender = StringField("移送机关",
                         validators=[_required("移送机关"), Length(max=200, message="移送机关不能超过200字")])
    document_number = StringField("移送文书编号", validators=[Optional(), Length(max=64, message="文书编号过长")])
    received_on = DateField("收到日期", validators=[_required("收到日期")])
    kind = ChineseSelectField("案件类型", choices=to_choices([("", "请选择"), *KINDS.items()]),
                              validators=[_required("案件类型", "选择")])
    ip_type = ChineseSelectField("权利类型", choices=to_choices([("", "请选择"), *IP_TYPES.items()]),
                                 validators=[Optional()])
    right_number = StringField("权利编号", validators=[Optional(), Length(max=64, message="权利编号过长")])
    title = StringField("案由", validators=[_required("案由"), Length(max=200, message="案由不能超过200字")])
    facts = TextAreaField("移送的事实和材料", validators=[_required("移送的事实和材料"),
                                                   Length(max=20000, message="内容过长")])
    respondent_name = StringField("当事人（涉嫌违法的单位或个人）",
                                  validators=[Optional(), Length(max=200, message="名称过长")])
    respondent_address = StringField("当事人地址", validators=[Optional(), Length(max=300, message="地址过长")])
