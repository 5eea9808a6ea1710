"""Seed the 12 subjects of issue 4 and the default time limits (editable afterwards)."""

from django.db import migrations

SUBJECTS = [
    ("wage", "劳动报酬/欠薪"),
    ("contract", "劳动合同"),
    ("hours_leave", "工作时间与休息休假"),
    ("social_insurance", "社会保险与福利"),
    ("injury", "工伤与职业病"),
    ("safety", "劳动安全卫生"),
    ("emergency", "正在发生的事故或群体性事件"),
    ("women_minor", "女职工与未成年工保护"),
    ("membership", "入会与会籍"),
    ("mutual_aid", "职工医疗互助"),
    ("hardship", "困难帮扶"),
    ("suggestion", "意见建议"),
]
# Working days to reply per request type (issue 4); the same for every complexity by default.
REPLY_DAYS = {
    "consultation": 2,
    "help": 5,
    "complaint": 15,
    "legal_aid": 15,
    "suggestion": 15,
}
COMPLEXITIES = ["ordinary", "difficult", "very_complex"]


def forwards(apps, schema_editor):
    Subject = apps.get_model("appeals", "Subject")
    SlaPolicy = apps.get_model("appeals", "SlaPolicy")
    for order, (code, name) in enumerate(SUBJECTS):
        Subject.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for request_type, days in REPLY_DAYS.items():
        for complexity in COMPLEXITIES:
            SlaPolicy.objects.update_or_create(
                request_type=request_type,
                complexity=complexity,
                defaults={"sign_days": 1, "reply_days": days},
            )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
