"""Form base and helpers: Chinese messages, and feeding JSON through the same WTForms validation."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; stubs are 3.2
from wtforms.validators import ValidationError

from caseflow.core.errors import Invalid


class BaseForm(FlaskForm):
    """Project form base (CSRF on); API callers construct it with csrf off and JSON formdata."""

    class Meta:
        locales = False


def to_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(str(p[0]), p[1]) for p in pairs]


class ChineseSelectField(SelectField):
    """SelectField whose invalid-choice message is Chinese."""

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=to_choices(choices or []), **kwargs)

    def process_formdata(self, valuelist):
        # " " is no choice: blank means not chosen (an Optional() validator would otherwise let it through
        # unchecked, to be stored as an invalid enum value).
        super().process_formdata([v.strip() if isinstance(v, str) else v for v in valuelist])

    def pre_validate(self, form):
        if self.data in (None, "") and not self.flags.required:
            return
        values = [str(c.value) for c in self.iter_choices()]
        if str(self.data) not in values:
            raise ValidationError("请选择有效的选项")


class ChineseMultiSelectField(SelectMultipleField):
    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=to_choices(choices or []), **kwargs)

    def pre_validate(self, form):
        values = {str(c.value) for c in self.iter_choices()}
        bad = [d for d in (self.data or []) if str(d) not in values]
        if bad:
            raise ValidationError("包含无效的选项：" + "、".join(map(str, bad)))


def json_to_formdata(payload: Any, prefix: str = "") -> MultiDict:
    """Flatten JSON into WTForms formdata names (claimants-0-name); reject shapes no field takes."""
    out: MultiDict[str, Any] = MultiDict()
    if not isinstance(payload, dict):
        raise Invalid("请求体必须是 JSON 对象")
    _flatten(payload, prefix, out)
    return out


def _flatten(value: Any, name: str, out: MultiDict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or "-" in key:
                raise Invalid(f"字段名无效：{key}")
            _flatten(item, f"{name}-{key}" if name else key, out)
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            for item in value:  # a multi-valued field, e.g. a panel's members
                out.add(name, _scalar(item))
        else:
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    raise Invalid(f"字段 {name} 格式不正确", fields={name: "格式不正确"})
                _flatten(item, f"{name}-{i}", out)
    elif value is not None:
        out.add(name, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    return str(value)


def form_errors(form) -> dict[str, str]:
    """Flatten WTForms errors into {"field": "中文说明"} (nested names joined with dashes)."""
    out: dict[str, str] = {}

    def walk(errors, prefix):
        if isinstance(errors, dict):
            for k, v in errors.items():
                walk(v, f"{prefix}-{k}" if prefix else str(k))
        elif isinstance(errors, list):
            msgs = [e for e in errors if isinstance(e, str)]
            if msgs:
                out[prefix] = "；".join(msgs)
            for i, e in enumerate(x for x in errors if not isinstance(x, str)):
                walk(e, f"{prefix}-{i}")

    walk(form.errors, "")
    return out
