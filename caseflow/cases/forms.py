"""Forms built from the workflow declarations (one schema for the HTML form and the API) and the filing form."""

from __future__ import annotations

import sqlalchemy as sa
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form as PlainForm,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from caseflow.accounts.models import IdType, User
from caseflow.accounts.services import display_names
from caseflow.core.db import db
from caseflow.core.errors import Invalid, reject_unknown
from caseflow.core.forms import (
    BaseForm,
    ChineseMultiSelectField,
    ChineseSelectField,
    form_errors,
    json_to_formdata,
    to_choices,
)
from caseflow.core.validators import normalize_id_number, normalize_right_number
from workflows import base as wf
from workflows.adjudication import IP_TYPES, PATENT_TYPES
from workflows.complaint import CHANNELS, KINDS

ID_TYPES = {t.value: t.title for t in IdType}


def _required(label: str, verb: str = "填写"):
    return DataRequired(message=f"请{verb}“{label}”")


def _choose(label: str):
    return _required(label, "选择")


def _staff_choices(case, roles) -> list[tuple[str, str]]:
    users = db.session.scalars(
        sa.select(User).where(User.unit_id == case.unit_id, User.role.in_(list(roles)), User.is_disabled.is_(False))
        .order_by(User.username)
    ).all()
    return [(u.username, f"{u.display_name}（{u.username}）") for u in users]


def _panel_choices(case) -> list[tuple[str, str]]:
    members = list(((case.data or {}).get("panel") or []) if case is not None else [])
    names = display_names(members)
    return [(m, names.get(m, m)) for m in members]


class ConsentField(BooleanField):
    """A checkbox whose value is "yes" when ticked and "" when not (the API sends "yes")."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, false_values=(False, "false", "", "no", "0"), **kwargs)

    def process_data(self, value):
        self.data = "yes" if value in (True, "yes") else ""

    def process_formdata(self, valuelist):
        self.data = "yes" if valuelist and valuelist[0] not in self.false_values else ""

    def _value(self):
        return "yes"


#: The form field that stands for "I have checked" before an irreversible action; never part of the action's data.
CONFIRMED = "confirmed"


def _room_choices(case) -> list[tuple[str, str]]:
    from caseflow.hearings.services import rooms

    if case is None:
        return []
    return [(r.code, r.name + (f"（{r.address}）" if r.address else "")) for r in rooms(case.unit)]


def _field(name: str, spec: wf.Field, case):
    required = spec.required_for(case)
    validators = [_required(spec.label)] if required else [Optional()]
    description = spec.help
    if isinstance(spec, wf.Room):
        rooms = _room_choices(case)
        if case is not None and not rooms:
            description = "本单位尚未登记审理庭，请先在“审理庭”页面登记"
        return ChineseSelectField(spec.label, choices=[("", "请选择"), *rooms], validators=validators,
                                  description=description)
    if isinstance(spec, wf.Consent):
        return ConsentField(spec.choices.get("yes", spec.label), description=description,
                            validators=[DataRequired(message="请勾选确认声明后再提交")] if required else [Optional()])
    if isinstance(spec, wf.Text | wf.Line):
        validators.append(Length(max=spec.max_length, message=f"“{spec.label}”不能超过 {spec.max_length} 个字"))
        cls = TextAreaField if isinstance(spec, wf.Text) else StringField
        return cls(spec.label, validators=validators, description=description)
    if isinstance(spec, wf.Choice | wf.UserRef | wf.UserList | wf.MultiChoice | wf.PanelMember) and required:
        validators[0] = _choose(spec.label)
    if isinstance(spec, wf.Choice):
        choices = [("", "请选择"), *spec.choices.items()]
        return ChineseSelectField(spec.label, choices=choices, validators=validators, description=description)
    if isinstance(spec, wf.UserRef):
        return ChineseSelectField(spec.label, choices=[("", "请选择"), *_staff_choices(case, spec.roles)],
                                  validators=validators, description=description)
    if isinstance(spec, wf.PanelMember):
        return ChineseSelectField(spec.label, choices=[("", "请选择"), *_panel_choices(case)], validators=validators,
                                  description=description)
    if isinstance(spec, wf.UserList):
        return ChineseMultiSelectField(spec.label, choices=_staff_choices(case, spec.roles), validators=validators,
                                       description=description)
    if isinstance(spec, wf.MultiChoice):
        return ChineseMultiSelectField(spec.label, choices=list(spec.choices.items()), validators=validators,
                                       description=description)
    if isinstance(spec, wf.Date):
        return DateField(spec.label, validators=validators, description=description)
    if isinstance(spec, wf.Integer):
        validators.append(NumberRange(spec.min_value, spec.max_value, message="数值超出范围"))
        return IntegerField(spec.label, validators=validators, description=description)
    raise TypeError(f"unsupported field {spec!r}")


def action_form_class(action: wf.Action, case, *, confirm: str = "") -> type[BaseForm]:
    """Build the WTForms class of an action from its declared fields; ``confirm`` (the web form of an irreversible
    action) adds a checkbox that must be ticked."""
    attrs = {name: _field(name, spec, case) for name, spec in action.fields.items()}
    if confirm:
        attrs[CONFIRMED] = ConsentField("我已核对，确认执行此操作",
                                        validators=[DataRequired(message="请勾选“我已核对”后再提交")])
    attrs["version"] = HiddenField()
    return type(f"{action.name.title().replace('_', '')}Form", (BaseForm,), attrs)


def clean_action_data(form) -> dict:
    """The validated values of an action form, without CSRF and version."""
    out = {}
    for name, field in form._fields.items():
        if name in {"csrf_token", "version", CONFIRMED}:
            continue
        value = field.data
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        if isinstance(value, str):
            value = value.strip()
        out[name] = value
    return out


def _scalar(value) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def check_shapes(data: dict, *, lists=frozenset(), records=frozenset()) -> None:
    """Refuse JSON whose shape no field takes: lists of text for `lists`, lists of objects for `records`."""
    bad = {}
    for key, value in data.items():
        if key in lists:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif key in records:
            ok = isinstance(value, list) and all(
                isinstance(v, dict) and all(isinstance(k, str) and _scalar(x) for k, x in v.items()) for v in value)
        else:
            ok = _scalar(value)
        if not ok:
            bad[key] = "格式不正确"
    if bad:
        raise Invalid("字段格式不正确：" + "、".join(bad), fields=bad)


def validate_action_json(action: wf.Action, data: dict, case) -> dict:
    """Validate API input with the action's form (the same rules as the HTML form)."""
    reject_unknown(data, action.fields)
    lists = {k for k, spec in action.fields.items() if isinstance(spec, wf.UserList | wf.MultiChoice)}
    check_shapes(data, lists=lists)
    form = action_form_class(action, case)(formdata=json_to_formdata(data), meta={"csrf": False})
    if not form.validate():
        errors = form_errors(form)
        raise Invalid("；".join(errors.values()), fields=errors)
    return clean_action_data(form)


# ---- filing (the public form and the API's create) ----


class PartyForm(PlainForm):
    """One claimant or respondent."""

    name = StringField("名称/姓名", validators=[_required("名称/姓名"), Length(max=200, message="名称过长")])
    id_type = ChineseSelectField("证件类型", choices=[("", "请选择"), *ID_TYPES.items()], validators=[Optional()])
    id_number = StringField("证件号码", validators=[Optional(), Length(max=32, message="证件号码过长")])
    address = StringField("地址", validators=[Optional(), Length(max=300, message="地址过长")])
    phone = StringField("联系电话", validators=[Optional(), Length(max=32, message="电话过长")])

    def validate_id_number(self, field):
        if field.data:
            if not self.id_type.data:
                raise ValidationError("请选择证件类型")
            try:
                field.data = normalize_id_number(self.id_type.data, field.data)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None


class ClaimantForm(PartyForm):
    """A claimant must be identified."""

    id_type = ChineseSelectField("证件类型", choices=[("", "请选择"), *ID_TYPES.items()],
                                 validators=[_choose("证件类型")])
    id_number = StringField("证件号码", validators=[_required("证件号码"), Length(max=32, message="证件号码过长")])


class RightForm(BaseForm):
    """Step 1: the office, the kind and the right."""

    unit = ChineseSelectField("受理单位", validators=[_choose("受理单位")])
    kind = ChineseSelectField("投诉类型", choices=[("", "请选择"), *KINDS.items()], validators=[_choose("投诉类型")])
    ip_type = ChineseSelectField("权利类型", choices=[("", "请选择"), *IP_TYPES.items()],
                                 validators=[_choose("权利类型")])
    right_number = StringField("权利编号（专利号、商标注册号等）",
                               validators=[_required("权利编号"), Length(max=64, message="权利编号过长")])
    asserted_claims = StringField("主张的权利要求（专利）", validators=[Optional(), Length(max=200, message="过长")])

    def __init__(self, *args, units=(), procedure: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = to_choices([("", "请选择")] + [(u.code, u.name) for u in units])
        if procedure == "adjudication":
            # A 处理请求书 is a patent-infringement dispute (局令81 art. 12), not a 投诉: it has no 投诉类型 to choose,
            # and only a patent is in issue.
            del self.kind
            self.ip_type.choices = to_choices([("", "请选择"), *PATENT_TYPES.items()])
            self.ip_type.label.text = "专利类型"
            self.right_number.label.text = "专利号"
            # 专利法 art. 64: a design has no claims; its filer names the product (the drawings come as evidence).
            self.asserted_claims.label.text = "主张的权利要求（外观设计：使用该外观设计的产品）"

    def validate_right_number(self, field):
        try:
            field.data = normalize_right_number(field.data, self.ip_type.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ClaimantsForm(BaseForm):
    claimants = FieldList(FormField(ClaimantForm), min_entries=1, max_entries=10)


class RespondentsForm(BaseForm):
    respondents = FieldList(FormField(PartyForm), min_entries=1, max_entries=20)


class FactsForm(BaseForm):
    title = StringField("案由（简要标题）",
                        validators=[_required("案由"), Length(max=200, message="标题不能超过200字")])
    facts = TextAreaField("事实与理由",
                          validators=[_required("事实与理由"), Length(max=20000, message="事实与理由过长")])
    claims = TextAreaField("请求事项", validators=[_required("请求事项"), Length(max=5000, message="请求事项过长")])


class CreateCaseForm(RightForm, ClaimantsForm, RespondentsForm, FactsForm):
    """Everything a complaint needs in one form: the API validates with it; the portal goes step by step."""

    procedure = ChineseSelectField("程序", choices=[("complaint", "投诉举报"), ("adjudication", "专利侵权纠纷行政裁决"),
                                                   ("mediation", "行政调解")], validators=[_choose("程序")])
    channel = ChineseSelectField("来源渠道", choices=list(CHANNELS.items()), validators=[Optional()], default="online")


FILING_STEPS = [
    ("right", "权利信息", RightForm),
    ("claimants", "投诉人", ClaimantsForm),
    ("respondents", "被投诉人", RespondentsForm),
    ("facts", "事实与请求", FactsForm),
]


def validate_filing_json(form_cls: type[BaseForm], payload: dict, units) -> dict:
    """Validate an API filing body (parties as lists of records) with the portal's form; return clean data."""
    reject_unknown(payload, {n for n in dir(form_cls) if isinstance(getattr(form_cls, n, None), UnboundField)})
    check_shapes(payload, records={"claimants", "respondents"})
    form = form_cls(formdata=json_to_formdata(payload), meta={"csrf": False}, units=units)
    if not form.validate():
        errors = form_errors(form)
        raise Invalid("；".join(errors.values()), fields=errors)
    data = form.data
    data.pop("csrf_token", None)
    return data


class ExOfficioCaseForm(RightForm, RespondentsForm, FactsForm):
    """A complaint-procedure case the office found itself (依职权, e.g. 假冒专利 under 专利行政执法办法 art. 28):
    nobody complained, so there is no 投诉人 to name."""

    procedure = CreateCaseForm.procedure
    channel = CreateCaseForm.channel


def validate_create_json(payload: dict, units) -> dict:
    """Validate the API's create body with the filing form; return clean data. A complaint registered ex officio
    may name no claimant (who may register one, and of what kind, is decided when the case is created)."""
    if payload.get("procedure") == "complaint" and payload.get("channel") == "ex_officio" \
            and not payload.get("claimants"):
        data = validate_filing_json(ExOfficioCaseForm, {k: v for k, v in payload.items() if k != "claimants"}, units)
        return {**data, "claimants": []}
    return validate_filing_json(CreateCaseForm, payload, units)
