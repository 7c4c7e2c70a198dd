"""The plans: the one place they are defined. Change them with a new migration like this one (or in the
admin); the Stripe prices are found by `stripe_lookup_key` (README, "Billing")."""

from django.db import migrations

GIB = 1024**3

PLANS = [
    {
        "code": "free",
        "name": "Free",
        "price_monthly": "0.00",
        "seat_limit": 3,
        "storage_limit_bytes": 1 * GIB,
        "features": [],
        "is_default": True,
        "sort_order": 0,
    },
    {
        "code": "pro",
        "name": "Pro",
        "price_monthly": "29.00",
        "stripe_lookup_key": "saas_pro_monthly",
        "seat_limit": 10,
        "storage_limit_bytes": 50 * GIB,
        "features": ["exports"],
        "trial_days": 14,
        "sort_order": 1,
    },
    {
        "code": "business",
        "name": "Business",
        "price_monthly": "99.00",
        "stripe_lookup_key": "saas_business_monthly",
        "seat_limit": 50,
        "storage_limit_bytes": 500 * GIB,
        "features": ["exports", "priority_support"],
        "sort_order": 2,
    },
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in PLANS:
        Plan.objects.update_or_create(code=plan["code"], defaults={k: v for k, v in plan.items() if k != "code"})


def delete_plans(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(code__in=[p["code"] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(create_plans, delete_plans)]
