"""A ticket's new final status EXPIRED (已失效): closed by the day's close (日终清号,
hall.services.dayclose) while still waiting or called. Choices only: no SQL."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hall', '0003_ticket_token_constraint_fewer_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticket',
            name='status',
            field=models.CharField(choices=[('waiting', '等候中'), ('called', '已叫号'), ('serving', '办理中'), ('done', '已办结'), ('no_show', '过号'), ('cancelled', '已取消'), ('expired', '已失效')], default='waiting', max_length=12, verbose_name='状态'),
        ),
    ]
