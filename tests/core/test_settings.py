"""Settings from CASEFLOW_* environment variables: a value that is not of the setting's type stops the start with
the setting named in Chinese, never a silent default (a mistyped "ture" would turn a cautious reading off)."""

from __future__ import annotations

import pytest

from caseflow.config import Config, ConfigError


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("Yes", True), ("1", True), ("false", False),
                                            ("off", False), ("0", False)])
def test_a_boolean_setting_reads_the_usual_words(raw, value):
    assert Config.from_env({"CASEFLOW_HEARING_NOTICE_CLEAR_DAYS": raw}).HEARING_NOTICE_CLEAR_DAYS is value


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("HEARING_NOTICE_CLEAR_DAYS", "ture", "应为“true”或“false”"),
    ("SMTP_PORT", "二十五", "应为整数"),
    ("APPROVAL_OVERRIDES", "{not json", "应为JSON 对象"),
])
def test_a_malformed_setting_stops_the_start_naming_it(name, raw, expected):
    with pytest.raises(ConfigError, match=f"CASEFLOW_{name}") as refused:
        Config.from_env({f"CASEFLOW_{name}": raw})
    assert expected in str(refused.value)
