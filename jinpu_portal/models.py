"""Models every app shares: time stamps, the append-only audit record, the optional
reference and acting-user fields, gapless sequences, in-portal notifications and the
keys of create-only forms (``FormSubmission``)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import connection, models
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for every table: when a row was made and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """Base for the audit records (the case, order, ticket, catalog and authorization
    events): a row is written once and then neither changed nor deleted through the
    model; ``save()`` of a stored row and ``delete()`` raise. Deleting the record it
    belongs to (a cascade) and set-based writes do not come through here: nothing issues
    them on these tables.

    Rows read ``<local time> <label>`` (the time in ``TIME_ZONE``, as the admin's columns
    show it); ``label`` is the action's display name unless a subclass says more."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{localtime(self.at):%Y-%m-%d %H:%M} {self.label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")

    @property
    def label(self) -> str:
        return self.get_action_display()


def optional_foreign_key(
    to, verbose_name, *, on_delete=models.PROTECT, **options
) -> models.ForeignKey:
    """A reference that may stay empty (null and blank). It keeps its target from
    deletion while it names it (PROTECT) unless ``on_delete`` says otherwise (SET_NULL:
    it empties when the target goes; CASCADE: the row goes with it); ``options``
    (related_name, help_text, db_index, ...) as ForeignKey's."""
    return _optional(models.ForeignKey, to, verbose_name, on_delete, options)


def optional_one_to_one(
    to, verbose_name, *, on_delete=models.PROTECT, **options
) -> models.OneToOneField:
    """``optional_foreign_key`` for a reference at most one row makes to a target."""
    return _optional(models.OneToOneField, to, verbose_name, on_delete, options)


def _optional(field_class, to, verbose_name, on_delete, options):
    return field_class(
        to, verbose_name=verbose_name, null=True, blank=True, on_delete=on_delete, **options
    )


def acting_user(verbose_name, *, on_delete=models.PROTECT) -> models.ForeignKey:
    """The account that did a recorded act (created, issued, decided, checked ...): empty
    when the system acted, kept from deletion while a record names it (PROTECT, unless
    ``on_delete`` says otherwise), and with no reverse accessor on the user."""
    return optional_foreign_key(
        settings.AUTH_USER_MODEL, verbose_name, on_delete=on_delete, related_name="+"
    )


class Sequence(models.Model):
    """Base for a gapless counter, one row per key (a unique constraint over the key's
    fields): ``next_value(**key)`` creates the key's row at 1 or adds one to it, in one
    statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, PostgreSQL and SQLite
    alike). The row stays locked until the caller's transaction ends, so two callers
    never get the same value and a rolled-back caller gives its value back; take the
    value as late in the transaction as you can, since every caller of the same key
    waits for that commit. The ORM has no upsert that returns the new value."""

    last_value = models.PositiveIntegerField(_("当前序号"), default=0)

    class Meta:
        abstract = True

    @classmethod
    def next_value(cls, **key) -> int:
        fields = [cls._meta.get_field(name) for name in key]
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        columns = ", ".join(quote(field.column) for field in fields)
        value = quote(cls._meta.get_field("last_value").column)
        placeholders = ", ".join(["%s"] * len(fields))
        # Only quoted names from the model's own metadata are formatted in; the key's
        # values go as parameters.
        sql = (
            f"INSERT INTO {table} ({columns}, {value}) VALUES ({placeholders}, 1)"  # noqa: S608
            f" ON CONFLICT ({columns}) DO UPDATE SET {value} = {table}.{value} + 1"
            f" RETURNING {value}"
        )
        params = [
            field.get_db_prep_value(given, connection)
            for field, given in zip(fields, key.values(), strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            (last,) = cursor.fetchone()
        return last


class Notification(TimeStampedModel):
    """An in-portal message to a user; other channels (SMS, email) are sent besides it
    by the back ends in settings.NOTIFICATION_BACKENDS (jinpu_portal.notifications), from
    this row: it is their outbox until ``dispatched_at`` is set.

    A person without an account (a walk-in applicant at the counter) has no in-portal
    inbox: their row has no recipient, only the ``phone`` to text, and is outbox only."""

    recipient = optional_foreign_key(
        "accounts.User",
        _("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # Meta.indexes' (recipient, read_at) leads with it
    )
    phone = models.CharField(
        _("短信号码"),
        max_length=20,
        blank=True,
        help_text=_("无账号的申请人（窗口办件）接收短信的号码；有账号的按其当前号码发送"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    reference = models.CharField(_("关联编号"), max_length=40, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(
        _("外发时间"),
        null=True,
        blank=True,
        help_text=_("短信、邮件等外部渠道发出（或无需发出）的时间；为空表示等待发出"),
    )

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # Not db_index=True: that adds a LIKE index on PostgreSQL nobody queries with.
            models.Index(fields=["reference"], name="notification_reference_idx"),
            # The outbox: the few messages still to send by SMS and e-mail.
            models.Index(
                fields=["id"],
                name="notification_outbox_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(phone=""),
                name="notification_recipient_or_phone",
            ),
        ]

    def __str__(self):
        return self.title


class FormSubmission(models.Model):
    """One create-only form as a page rendered it (its key is a hidden field), or one API
    request naming a key: the first post that goes through claims the key in its own
    transaction and records what it made, so the same form posted again (a double click,
    a resubmitted page, a second tab) is shown that instead of making another. A refused
    post rolls its claim back with everything else. See ``jinpu_portal.submissions``.

    A key only matters for the minutes a form stays open: ``submissions_purge`` (beat,
    nightly) deletes the keys older than ``submissions.KEEP``."""

    key = models.UUIDField(_("表单标识"), primary_key=True)
    # Empty for a form nobody signed in to (the hall's 取号 page at a kiosk).
    user = optional_foreign_key(
        settings.AUTH_USER_MODEL,
        _("提交人"),
        on_delete=models.CASCADE,  # a disposable key never keeps an account
        related_name="+",
    )
    purpose = models.CharField(_("表单"), max_length=40)
    # What the first post made: a generic pointer, empty until it is recorded (and when
    # the post made nothing the page can show).
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("对象 id"), null=True, blank=True)
    made = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表单提交标识")
        verbose_name_plural = _("表单提交标识")

    def __str__(self):
        return f"{self.purpose} {self.key}"
