"""The 调解请求书 (局令81 art. 64): one form for the portal page and the API's JSON."""

from __future__ import annotations

from wtforms import FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseflow.cases.forms import ClaimantForm, PartyForm, validate_filing_json
from caseflow.core.forms import BaseForm, ChineseSelectField, to_choices
from caseflow.core.validators import normalize_right_number
from workflows.adjudication import PATENT_TYPES
from workflows.mediation import CATEGORIES, YES_NO


def _choose(label):
    return DataRequired(message=f"请选择“{label}”")


def _fill(label):
    return DataRequired(message=f"请填写“{label}”")


class MediationRequestForm(BaseForm):
    unit = ChineseSelectField("受理单位", validators=[_choose("受理单位")])
    category = ChineseSelectField("纠纷类型（局令第81号第六十三条）",
                                  choices=to_choices([("", "请选择"), *CATEGORIES.items()]),
                                  validators=[_choose("纠纷类型")])
    ip_type = ChineseSelectField("专利类型", choices=to_choices([("", "请选择"), *PATENT_TYPES.items()]),
                                 validators=[_choose("专利类型")])
    right_number = StringField("专利号或专利申请号", validators=[_fill("专利号或专利申请号"),
                                                         Length(max=64, message="专利号过长")])
    decision_ref = StringField("认定侵权的处理决定书文号（仅就侵权赔偿数额请求调解时必填）",
                               validators=[Optional(), Length(max=80, message="文号过长")])
    granted = ChineseSelectField("专利权已公告授予（临时保护期使用费纠纷必填）",
                                 choices=to_choices([("", "请选择"), *YES_NO.items()]), validators=[Optional()])
    claimants = FieldList(FormField(ClaimantForm), min_entries=1, max_entries=10)
    respondents = FieldList(FormField(PartyForm), min_entries=1, max_entries=10)
    title = StringField("纠纷名称", validators=[_fill("纠纷名称"), Length(max=200, message="不能超过200字")])
    facts = TextAreaField("事实和理由", validators=[_fill("事实和理由"), Length(max=20000, message="过长")])
    claims = TextAreaField("请求调解的事项", validators=[_fill("请求调解的事项"), Length(max=5000, message="过长")])
    procedure = HiddenField()
    channel = HiddenField()

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = to_choices([("", "请选择")] + [(u.code, u.name) for u in units])

    def validate_right_number(self, field):
        try:
            field.data = normalize_right_number(field.data, self.ip_type.data or "invention")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_decision_ref(self, field):
        if self.category.data == "damages" and not (field.data or "").strip():
            raise ValidationError("仅就侵权赔偿数额请求调解的，应当提供认定侵权的处理决定书文号（第六十四条）")

    def validate_granted(self, field):
        if self.category.data == "provisional_fee" and field.data != "yes":
            raise ValidationError("临时保护期使用费纠纷应当在专利权授予公告之后请求调解（第六十三条第（四）项）")


def validate_request_json(payload: dict, units) -> dict:
    """Validate the API's JSON request with the same form; return clean data."""
    return validate_filing_json(MediationRequestForm, payload, units)
