"""Case bodies shared by the tests of the staff case pages."""

ADJ_FIELDS = {"kind": "patent_infringement", "ip_type": "invention", "right_number": "ZL202010123456.2",
              "title": "“一种防松脱管道卡箍”发明专利侵权纠纷", "facts": "被请求人销售涉嫌侵权的管道卡箍。",
              "claims": "请求责令停止销售。", "channel": "online", "asserted_claims": "权利要求1"}
MED_BODY = {
    "unit": "500103", "category": "remuneration", "ip_type": "invention", "right_number": "ZL202010123456.2",
    "title": "职务发明奖励报酬纠纷", "facts": "被请求人未支付职务发明奖励和报酬。", "claims": "请求调解。",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F"}],
    "respondents": [{"name": "张某", "id_type": "resident_id", "id_number": "11010519491231002X"}],
}
