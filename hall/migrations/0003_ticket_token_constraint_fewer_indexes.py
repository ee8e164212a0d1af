"""The ticket's token unique through a constraint (no LIKE index beside it), and no
(hall, day) index: the label's unique index leads with both."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hall", "0002_waiting_counts")]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="hall_ticket_day",
        ),
        migrations.AlterField(
            model_name="ticket",
            name="token",
            field=models.CharField(
                help_text="扫码查看排队进度的公开链接", max_length=32, verbose_name="查询令牌"
            ),
        ),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(fields=("token",), name="hall_ticket_unique_token"),
        ),
    ]
