"""Forms of the holiday-calendar admin page."""

from __future__ import annotations

import datetime as dt

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from caseflow.core.forms import BaseForm, ChineseSelectField
from caseflow.deadlines.models import DayKind


class ChineseDateField(DateField):
    """A YYYY-MM-DD date whose format error is Chinese."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = dt.date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError("日期格式应为 YYYY-MM-DD") from None


class CalendarImportForm(BaseForm):
    """Upload a year's schedule: CSV `date,kind,name` or a JSON list (the same importer as the CLI)."""

    file = FileField("日历文件（CSV 或 JSON）", validators=[FileRequired(message="请选择要导入的文件")],
                     description="CSV 每行“日期,类型,名称”（类型为 holiday 放假 或 workday 调休上班）；"
                                 "JSON 为 [{\"date\", \"kind\", \"name\"}] 列表。文件中出现的年度将整年替换并发布。")


class CalendarDayForm(BaseForm):
    """Add or change one day of the table."""

    date = ChineseDateField("日期", validators=[InputRequired(message="请填写日期")])
    kind = ChineseSelectField("类型", choices=[(k.value, k.title) for k in DayKind],
                              validators=[InputRequired(message="请选择类型")])
    # Mirrors CalendarDay.name (String(40)).
    name = StringField("名称", validators=[Length(max=40, message="名称不超过 40 个字")],
                       description="如 国庆节；调休上班日填所属节日")
