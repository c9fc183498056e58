"""Forms of the document pages: editing a draft's parts, recording a delivery, drafting by hand, verifying a PDF."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from caseflow.core.forms import BaseForm, ChineseSelectField
from caseflow.deadlines.forms import ChineseDateField
from caseflow.notices import catalogue
from caseflow.notices.models import DeliveryMethod


def parts_form_class(kind: catalogue.NoticeKind) -> type[BaseForm]:
    """A form with one field per editable part of the kind (the rules mirror drafting.update_parts)."""
    attrs: dict[str, object] = {"version": HiddenField()}
    for part in kind.parts:
        validators: list[Any] = [  # the stubs type a list of validators as list[Any]
            InputRequired(message=f"请填写“{part.label}”") if part.required else Optional(),
            Length(max=part.max_length, message=f"“{part.label}”不能超过 {part.max_length} 个字"),
        ]
        field_cls = StringField if part.rows == 1 else TextAreaField
        attrs[part.name] = field_cls(part.label, validators=validators, description=part.help,
                                     render_kw={"rows": part.rows} if part.rows > 1 else {})
    return type(f"{kind.code.title().replace('_', '')}PartsForm", (BaseForm,), attrs)


def parts_of(form, kind: catalogue.NoticeKind) -> dict[str, str]:
    return {part.name: (form[part.name].data or "") for part in kind.parts}


class DeliveryForm(BaseForm):
    """Record one service (送达) of an issued document."""

    method = ChineseSelectField("送达方式", choices=[("", "请选择")] + [(m.value, m.title) for m in DeliveryMethod],
                                validators=[InputRequired(message="请选择送达方式")])
    party_id = ChineseSelectField("受送达人", choices=[], validators=[Optional()])
    delivered_on = ChineseDateField("送达日期", validators=[Optional()],
                                    description="直接送达为签收日期；邮寄送达为回执上注明的收件日期；留置送达为留置之日")
    published_on = ChineseDateField("公告发布日期", validators=[Optional()],
                                    description="公告送达：自发布之日起经过三十日视为送达")
    receipt_number = StringField("邮件号或回执编号", validators=[Optional(), Length(max=64, message="不超过 64 个字")])
    signed_by = StringField("签收人", validators=[Optional(), Length(max=100, message="不超过 100 个字")])
    witness = StringField("见证人及留置情况", validators=[Optional(), Length(max=200, message="不超过 200 个字")])
    place = StringField("送达地点或公告载体", validators=[Optional(), Length(max=300, message="不超过 300 个字")])
    note = TextAreaField("备注", validators=[Optional(), Length(max=2000, message="不超过 2000 个字")])

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.party_id.choices = [("", "请选择")] + [(str(p.id), p.name) for p in parties]


def draft_choices(procedure: str, parties=None, kinds=None) -> list[tuple[str, str]]:
    """The kinds staff may draft by hand in this procedure (or ``kinds``, those of one case:
    ``catalogue.hand_draftable``), as (value, title) choices. Given the case's ``parties``, without the kinds
    addressed to a 投诉人/请求人 it does not have (a matter found ex officio; ``drafting.draft_manual`` refuses
    them)."""
    from caseflow.notices.context import recipients_of

    kinds = [k for k in (catalogue.manual_kinds(procedure) if kinds is None else kinds)
             if parties is None or k.recipient != "claimant" or recipients_of(k, parties)]
    return [("", "请选择")] + [(k.code, k.title_for(procedure)) for k in kinds]


def consent_choices(parties) -> list[tuple[str, str]]:
    """The parties whose written consent staff may record, as (value, title) choices."""
    return [("", "请选择")] + [(str(p.id), p.name) for p in parties]


class DraftForm(BaseForm):
    """Draft a catalogue kind by hand on a case."""

    kind = ChineseSelectField("文书类型", choices=[], validators=[InputRequired(message="请选择文书类型")])

    def __init__(self, *args, procedure: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = draft_choices(procedure)


class CommentForm(BaseForm):
    """A supervisor's sign-off comment or reason for returning a document."""

    comment = TextAreaField("审批意见", validators=[Optional(), Length(max=2000, message="不超过 2000 个字")])


class ConsentForm(BaseForm):
    """Staff record a party's written consent to electronic service (送达地址确认书)."""

    party_id = ChineseSelectField("当事人", choices=[], validators=[InputRequired(message="请选择当事人")])

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.party_id.choices = consent_choices(parties)


class VerifyForm(BaseForm):
    """The public verification page's upload: the document (by its number and code) and the PDF to compare."""

    number = StringField("文书编号", validators=[Optional(), Length(max=64, message="文书编号过长")],
                         description="如：渝中知保受字〔2026〕12号，见文书首页或页脚")
    code = StringField("验证码", validators=[InputRequired(message="请输入文书上的验证码"),
                                            Length(max=32, message="验证码格式不正确")])
    file = FileField("文书 PDF 文件", validators=[FileRequired(message="请选择要核验的 PDF 文件")])
