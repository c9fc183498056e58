"""Evidence forms. Uploads are parsed by our streaming parser (see services.receive_multipart), so only the
small staff forms are WTForms; their rules mirror services.decide_admission and services.record_handover."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseflow.core.forms import BaseForm, ChineseSelectField
from caseflow.evidence.models import Admission


class AdmissionForm(BaseForm):
    decision = ChineseSelectField("认定结果", choices=[(Admission.ADMITTED.value, "采信"),
                                                   (Admission.REJECTED.value, "不予采信")],
                                  validators=[DataRequired("请选择认定结果")])
    # No Optional(): it would stop the chain before validate_reason.
    reason = TextAreaField("理由", validators=[Length(max=2000, message="理由最多 2000 个字")])

    def validate_reason(self, field):
        from wtforms.validators import ValidationError

        if self.decision.data == Admission.REJECTED.value and not (field.data or "").strip():
            raise ValidationError("不予采信须说明理由")


class HandoverForm(BaseForm):
    recipient = StringField("接收人或接收单位", validators=[DataRequired("请填写接收人或接收单位"),
                                                    Length(max=200, message="最多 200 个字")])
    note = TextAreaField("备注（移交方式、份数、原件或复制件等）",
                         validators=[Optional(), Length(max=2000, message="备注最多 2000 个字")])
