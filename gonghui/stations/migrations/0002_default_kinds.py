"""The four station kinds with their default checklists (editable afterwards)."""

from django.db import migrations

LIU_YOU = [
    {"code": "sign", "label": "有统一的标识名称", "required": True},
    {"code": "layout", "label": "有合理的站点布局", "required": True},
    {"code": "facilities", "label": "有健全的服务设施", "required": True},
    {"code": "functions", "label": "有完善的服务功能", "required": True},
    {"code": "rules", "label": "有规范的管理制度", "required": True},
    {"code": "on_map", "label": "有地图可查", "required": True},
    {"code": "staffing", "label": "有人员管理", "required": False},
    {"code": "operator", "label": "有建设运营主体", "required": False},
]
MUMMY = [
    {"code": "room", "label": "独立私密空间不少于10平方米", "required": True},
    {"code": "fridge", "label": "配备冰箱", "required": True},
    {"code": "hand_wash", "label": "可洗手、有热水", "required": True},
    {"code": "user_log", "label": "有使用登记", "required": True},
    {"code": "cleaning", "label": "每日清洁", "required": True},
    {"code": "manager", "label": "有专人管理", "required": True},
]
CHILDCARE = [
    {"code": "children", "label": "托管儿童不少于20人", "required": True},
    {"code": "days", "label": "假期不少于20天或全年不少于100天", "required": True},
    {"code": "attendance", "label": "出勤率不低于70%", "required": True},
    {"code": "safety", "label": "消防、建筑、食品安全合格", "required": True},
    {"code": "agreement", "label": "与家长签订托管协议", "required": True},
    {"code": "insurance", "label": "购买儿童意外保险", "required": True},
    {"code": "no_tutoring", "label": "不开展学科类培训", "required": True},
]
CENTRE = [
    {"code": "sign", "label": "有统一的标识名称", "required": True},
    {"code": "rules", "label": "有规范的管理制度", "required": True},
    {"code": "staffing", "label": "有专职工作人员", "required": True},
]
KINDS = [
    ("outdoor", "户外劳动者服务站（工会驿站）", ["hot_meal", "water", "rest", "toilet", "charging",
     "first_aid", "reading", "climate", "microwave"], LIU_YOU, 5, 25, 1),
    ("mummy", "爱心妈咪小屋", ["nursing", "fridge", "hand_wash", "water"], MUMMY, 2, 10, 2),
    ("childcare", "爱心托管班", ["water", "rest", "toilet", "reading", "first_aid"], CHILDCARE, 20, 0, 3),
    ("centre", "职工服务中心", ["water", "rest", "toilet", "reading", "wifi"], CENTRE, 0, 0, 4),
]


def add_kinds(apps, schema_editor):
    StationKind = apps.get_model("stations", "StationKind")
    for code, name, facilities, checklist, capacity, area, order in KINDS:
        StationKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "facility_template": facilities,
                "acceptance_template": checklist,
                "min_capacity": capacity,
                "min_area": area,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
