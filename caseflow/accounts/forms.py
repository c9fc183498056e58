"""Login, registration, password and administration forms."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from caseflow.accounts.models import Role
from caseflow.accounts.passwords import MAX_LENGTH, password_problem
from caseflow.core.forms import BaseForm, ChineseSelectField, to_choices
from caseflow.core.validators import normalize_id_number


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired(message="请填写用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(message="请填写密码"), Length(max=256)])


class RegisterForm(BaseForm):
    """Public registration of a rights holder: an individual or an organisation."""

    account_type = ChineseSelectField("注册类型",
                                      choices=[("individual", "自然人"), ("organisation", "法人或其他组织")],
                                      validators=[DataRequired(message="请选择注册类型")])
    display_name = StringField("姓名/单位名称", validators=[DataRequired(message="请填写姓名或单位名称"),
                                                       Length(max=120, message="名称过长")])
    id_number = StringField("居民身份证号/统一社会信用代码",
                            validators=[DataRequired(message="请填写证件号码"), Length(max=32, message="证件号码过长")])
    phone = StringField("手机号码", validators=[Optional(), Regexp(r"^1\d{10}$", message="手机号码应为11位数字")])
    email = StringField("电子邮箱", validators=[Optional(), Length(max=255), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                                              message="电子邮箱格式不正确")])
    # Mirrors users.username (unique, ≤ 64).
    username = StringField("用户名", validators=[DataRequired(message="请填写用户名"),
                                              Regexp(r"^[A-Za-z0-9_.\-]{3,64}$",
                                                     message="用户名为3至64位字母、数字、下划线、点或连字符")])
    password = PasswordField("密码", validators=[DataRequired(message="请填写密码")])
    confirm = PasswordField("确认密码", validators=[EqualTo("password", message="两次输入的密码不一致")])

    def validate_id_number(self, field):
        kind = "resident_id" if self.account_type.data == "individual" else "uscc"
        try:
            field.data = normalize_id_number(kind, field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_password(self, field):
        # Whether the username is taken is answered only by registering (throttled per address), never here.
        problem = password_problem(field.data or "", username=self.username.data or "",
                                   display_name=self.display_name.data or "")
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(BaseForm):
    """A signed-in user changes their own password."""

    current_password = PasswordField("当前密码", validators=[DataRequired(message="请填写当前密码"),
                                                         Length(max=MAX_LENGTH)])
    new_password = PasswordField("新密码", validators=[DataRequired(message="请填写新密码")])
    confirm = PasswordField("确认新密码", validators=[EqualTo("new_password", message="两次输入的新密码不一致")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", username=getattr(self.user, "username", ""),
                                   display_name=getattr(self.user, "display_name", ""))
        if problem:
            raise ValidationError(problem)


# ---- administration ----

STAFF_ROLE_CHOICES = [(r.value, r.title) for r in (Role.OFFICER, Role.MEDIATOR, Role.SUPERVISOR, Role.ADMIN)]


def _unit_choices(units) -> list[tuple[str, str]]:
    return [(u.code, f"{u.code} {u.area}") for u in units]


class StaffCreateForm(BaseForm):
    """An administrator opens a staff account; the initial password must be changed at the first sign-in."""

    username = StringField("用户名", validators=[DataRequired(message="请填写用户名"),
                                              Regexp(r"^[A-Za-z0-9_.\-]{3,64}$",
                                                     message="用户名为3至64位字母、数字、下划线、点或连字符")])
    display_name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=120)])
    role = ChineseSelectField("角色", choices=STAFF_ROLE_CHOICES, validators=[DataRequired(message="请选择角色")])
    unit = ChineseSelectField("所属单位", validators=[DataRequired(message="请选择单位")])
    password = PasswordField("初始密码", validators=[Optional(), Length(max=MAX_LENGTH)],
                             description="留空则自动生成；本人首次登录时须修改")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = to_choices(_unit_choices(units))


class RoleUnitForm(BaseForm):
    """Move a staff account to another role or office."""

    role = ChineseSelectField("角色", choices=STAFF_ROLE_CHOICES, validators=[DataRequired(message="请选择角色")])
    unit = ChineseSelectField("所属单位", validators=[DataRequired(message="请选择单位")])

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = to_choices(_unit_choices(units))


class ResetPasswordForm(BaseForm):
    password = PasswordField("临时密码", validators=[Optional(), Length(max=MAX_LENGTH)],
                             description="留空则自动生成；本人下次登录时须修改")


class OfficeForm(BaseForm):
    """An office's name and case-number prefix (its code, area and parent are reference data)."""

    name = StringField("单位名称", validators=[DataRequired(message="请填写单位名称"), Length(max=120)])
    prefix = StringField("案号前缀", validators=[DataRequired(message="请填写案号前缀"), Length(max=16)])
