"""Real-name verification (issue 11): an ID number is unique only among verified
identities, each verification is recorded. Rows a clerk registered at the counter were
checked against the ID card there: they become window-verified. Rows already verified
with an account came from the demo seeding."""

import accounts.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_existing(apps, schema_editor):
    Citizen = apps.get_model("accounts", "Citizen")
    Citizen.objects.filter(user__isnull=True, verified_at__isnull=True).update(
        verified_at=models.F("created_at")
    )
    Citizen.objects.filter(verified_at__isnull=False, user__isnull=True).update(
        verification_method="window"
    )
    Citizen.objects.filter(verified_at__isnull=False, user__isnull=False).update(
        verification_method="demo"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_department_heads"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdentityVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("oidc", "统一身份认证"),
                            ("window", "窗口核验"),
                            ("demo", "演示认证"),
                        ],
                        max_length=16,
                        verbose_name="核验方式",
                    ),
                ),
                (
                    "subject",
                    models.CharField(blank=True, max_length=255, verbose_name="认证平台用户标识"),
                ),
            ],
            options={
                "verbose_name": "实名核验记录",
                "verbose_name_plural": "实名核验记录",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="citizen",
            name="verification_method",
            field=models.CharField(
                blank=True,
                choices=[("oidc", "统一身份认证"), ("window", "窗口核验"), ("demo", "演示认证")],
                max_length=16,
                verbose_name="核验方式",
            ),
        ),
        migrations.AlterField(
            model_name="citizen",
            name="id_number",
            field=models.CharField(
                db_index=True,
                max_length=18,
                validators=[accounts.validators.validate_resident_id],
                verbose_name="公民身份号码",
            ),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.UniqueConstraint(
                condition=models.Q(("verified_at__isnull", False)),
                fields=("id_number",),
                name="citizen_unique_verified_id_number",
                violation_error_message="该公民身份号码已由他人完成实名认证。",
            ),
        ),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("verification_method", ""), ("verified_at__isnull", True)),
                    models.Q(
                        ("verified_at__isnull", False),
                        models.Q(("verification_method", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="citizen_verified_with_a_method",
            ),
        ),
        migrations.AddField(
            model_name="identityverification",
            name="citizen",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="verifications",
                to="accounts.citizen",
                verbose_name="自然人",
            ),
        ),
        migrations.AddField(
            model_name="identityverification",
            name="hall",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="accounts.hall",
                verbose_name="大厅",
            ),
        ),
        migrations.AddField(
            model_name="identityverification",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="identity_verifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="账号",
            ),
        ),
        migrations.AddField(
            model_name="identityverification",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="核验人员",
            ),
        ),
        migrations.AddField(
            model_name="identityverification",
            name="window",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="accounts.window",
                verbose_name="窗口",
            ),
        ),
        migrations.AddConstraint(
            model_name="identityverification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("method", "window"), _negated=True),
                    models.Q(
                        ("hall__isnull", False),
                        ("verified_by__isnull", False),
                        ("window__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="identity_verification_window_has_clerk_and_place",
            ),
        ),
    ]
