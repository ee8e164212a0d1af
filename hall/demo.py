"""Demo data of the hall (取号叫号), run by ``manage.py seed_demo`` after feedback.

- Categories of both halls (金普厅, 金州厅): A 企业登记, B 工程建设, C 社会事务, each
  with the published demo items of its departments (A: 市场监管, 税务; B: 住建, 自然资源,
  生态环境, 交通, 城管, 水务, 燃气; C: everything else).
- Windows' categories: in each hall the demo clerk's window serves every category (so
  the demo clerk can call anything), the other windows one or two; the demo clerks'
  windows are open with the clerk seated (through ``hall.services.windows``).
- Tickets: the previous working day in full and today from 8:30 (or the last four hours)
  up to now, written in bulk as an import of past tickets would be (numbers gap-free
  from 1, each with its events, the day counters and their rollups), so the
  supervisors' figures are not empty; and a few people still waiting in each category
  of each hall now.

Idempotent: the categories are found by hall and letter; the tickets are written only
when the hall has none that day.
"""

from __future__ import annotations

import datetime
import random
import secrets

from django.utils import timezone

from accounts.demo import register_seeder
from accounts.models import Hall, User, Window
from catalog.calendar import is_working_day
from catalog.models import ServiceItem

from .constants import Lane, TicketAction, TicketSource, TicketStatus
from .models import DayCounter, ServiceCategory, Ticket, TicketEvent
from .services.waiting import recount
from .services.windows import window_open, window_set_categories

CATEGORIES = [
    ("A", "企业登记", "企业开办、变更、注销，涉税事项", ["SCJ", "SWJ"], 15, 4),
    (
        "B",
        "工程建设",
        "工程建设项目审批、不动产、水电气报装",
        ["ZJJ", "ZRJ", "HBJ", "JTJ", "CGJ", "SWU", "RQG"],
        20,
        3,
    ),
    ("C", "社会事务", "社保、医保、民政、卫健、教育等个人事项", None, 8, 6),
]
#: Per hall: the demo clerk's window (every category) and the others' letters.
WINDOWS = {
    "JP": ("clerk", 1, {2: "A", 3: "A", 4: "B", 5: "B", 6: "C", 7: "C", 8: "AC"}),
    "JZ": ("clerk2", 2, {1: "A", 3: "B", 4: "C", 5: "C", 6: "BC"}),
}
WAITING_NOW = 4  # people waiting per category and hall


def _items(codes: list[str] | None, taken: set[int]) -> list[int]:
    items = ServiceItem.objects.filter(current_version__isnull=False)
    if codes is not None:
        items = items.filter(current_version__department__code__in=codes)
    else:
        items = items.exclude(pk__in=taken)
    return list(items.values_list("pk", flat=True))


def seed_categories() -> dict[str, dict[str, ServiceCategory]]:
    result = {}
    for hall in Hall.objects.filter(code__in=WINDOWS):
        taken: set[int] = set()
        result[hall.code] = {}
        for order, (letter, name, description, codes, minutes, limit) in enumerate(CATEGORIES):
            category, created = ServiceCategory.objects.get_or_create(
                hall=hall,
                letter=letter,
                defaults={
                    "name": name,
                    "description": description,
                    "service_minutes": minutes,
                    "appointment_limit": limit,
                    "order": order,
                },
            )
            items = _items(codes, taken)
            if created:
                category.items.set(items)
            taken.update(items)
            result[hall.code][letter] = category
    return result


def seed_windows(categories: dict[str, dict[str, ServiceCategory]]) -> None:
    admin = User.objects.filter(username="admin").first()
    for code, (username, clerk_window, others) in WINDOWS.items():
        by_letter = categories.get(code)
        clerk = User.objects.filter(username=username).first()
        if not by_letter or admin is None or clerk is None:
            continue
        hall = Hall.objects.get(code=code)
        for number, letters in [(clerk_window, "ABC"), *others.items()]:
            window = Window.objects.filter(hall=hall, number=number).first()
            if window is None or getattr(window, "seat", None) is not None:
                continue
            window_set_categories(
                window=window, category_ids=[by_letter[x].pk for x in letters], actor=admin
            )
        window = Window.objects.get(hall=hall, number=clerk_window)
        if clerk.staff_profile.window_id == window.pk and window.seat.clerk_id is None:
            window_open(window=window, actor=clerk)


def _previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _moment(day: datetime.date, minutes_after_eight_thirty: float) -> datetime.datetime:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
    return start + datetime.timedelta(minutes=minutes_after_eight_thirty)


def _window_for(category: ServiceCategory, windows: dict[str, list[Window]], rng) -> Window:
    return rng.choice(windows[category.letter])


def _seed_day(
    hall: Hall,
    categories: list[ServiceCategory],
    windows: dict[str, list[Window]],
    clerks: dict[int, int | None],
    day: datetime.date,
    start: datetime.datetime,
    until: datetime.datetime,
    rng: random.Random,
    waiting_now: int = 0,
) -> int:
    """Tickets of ``hall`` issued between ``start`` and ``until`` on ``day``, served,
    some 过号; ``waiting_now`` more per category still waiting at ``until``."""
    tickets: list[Ticket] = []
    issued_at: list[datetime.datetime] = []
    events: list[tuple[int, str, datetime.datetime, int | None, dict]] = []
    counters: dict[int, list[int]] = {c.pk: [0, 0, 0] for c in categories}  # last, served, s
    span = max((until - start).total_seconds() / 60, 1)
    for category in categories:
        count = int(span / 60 * {"A": 9, "B": 5, "C": 12}.get(category.letter, 6))
        moments = sorted(
            start + datetime.timedelta(minutes=rng.uniform(0, span)) for _ in range(count)
        )
        for issued in moments:
            counter = counters[category.pk]
            counter[0] += 1
            wait = datetime.timedelta(minutes=rng.triangular(2, 45, 12))
            service = datetime.timedelta(
                minutes=rng.triangular(3, category.service_minutes * 2.5, category.service_minutes)
            )
            called = issued + wait
            if called + service > until:
                counter[0] -= 1
                continue
            window = _window_for(category, windows, rng)
            no_show = rng.random() < 0.04
            ticket = Ticket(
                hall=hall,
                category=category,
                day=day,
                number=counter[0],
                label=f"{category.letter}{counter[0]:03d}",
                token=secrets.token_urlsafe(16),
                source=rng.choice([TicketSource.KIOSK] * 5 + [TicketSource.DESK]),
                status=TicketStatus.NO_SHOW if no_show else TicketStatus.DONE,
                lane=Lane.NORMAL,
                queued_at=issued,
                window=window,
                clerk_id=clerks.get(window.pk),
                call_count=3 if no_show else 1,
                first_called_at=called,
                called_at=called,
                started_at=None if no_show else called + datetime.timedelta(seconds=40),
                ended_at=None if no_show else called + datetime.timedelta(seconds=40) + service,
            )
            tickets.append(ticket)
            issued_at.append(issued)
            if not no_show:
                counter[1] += 1
                counter[2] += int(service.total_seconds())
        for _ in range(waiting_now):
            counters[category.pk][0] += 1
            number = counters[category.pk][0]
            issued = until - datetime.timedelta(minutes=rng.uniform(1, 20))
            ticket = Ticket(
                hall=hall,
                category=category,
                day=day,
                number=number,
                label=f"{category.letter}{number:03d}",
                token=secrets.token_urlsafe(16),
                source=TicketSource.KIOSK,
                status=TicketStatus.WAITING,
                queued_at=issued,
            )
            tickets.append(ticket)
            issued_at.append(issued)
    Ticket.objects.bulk_create(tickets, batch_size=500)
    # created_at is auto_now_add: set to when each was issued, as an import would.
    for ticket, moment in zip(tickets, issued_at, strict=True):
        ticket.created_at = moment
    Ticket.objects.bulk_update(tickets, ["created_at"], batch_size=500)
    for ticket in tickets:
        events.append((ticket.pk, TicketAction.ISSUED, ticket.created_at, None, {}))
        if ticket.first_called_at:
            events.append(
                (ticket.pk, TicketAction.CALLED, ticket.first_called_at, ticket.window_id, {})
            )
        if ticket.status == TicketStatus.NO_SHOW:
            events.append((ticket.pk, TicketAction.NO_SHOW, ticket.called_at, ticket.window_id, {}))
        if ticket.started_at:
            events.append(
                (ticket.pk, TicketAction.STARTED, ticket.started_at, ticket.window_id, {})
            )
            events.append((ticket.pk, TicketAction.ENDED, ticket.ended_at, ticket.window_id, {}))
    events.sort(key=lambda row: row[2])
    TicketEvent.objects.bulk_create(
        (
            TicketEvent(
                hall=hall, ticket_id=pk, action=action, at=at, window_id=window_id, details=details
            )
            for pk, action, at, window_id, details in events
        ),
        batch_size=1000,
    )
    DayCounter.objects.bulk_create(
        DayCounter(
            hall=hall,
            category_id=pk,
            day=day,
            last=last,
            served=served,
            service_seconds=seconds,
        )
        for pk, (last, served, seconds) in counters.items()
        if last
    )
    recount(hall=hall, day=day)
    return len(tickets)


def seed_tickets(*, now: datetime.datetime | None = None, seed: int = 2026) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(seed)  # noqa: S311 - demo data
    written = 0
    for hall in Hall.objects.filter(code__in=WINDOWS):
        if Ticket.objects.filter(hall=hall, day=today).exists():
            continue
        categories = list(ServiceCategory.objects.filter(hall=hall, is_active=True))
        if not categories:
            continue
        windows: dict[str, list[Window]] = {c.letter: [] for c in categories}
        clerks: dict[int, int | None] = {}
        for window in Window.objects.filter(hall=hall, seat__isnull=False).prefetch_related(
            "seat__categories"
        ):
            clerks[window.pk] = window.seat.clerk_id
            for category in window.seat.categories.all():
                windows[category.letter].append(window)
        if any(not served_by for served_by in windows.values()):
            continue
        previous = _previous_working_day(today)
        if not Ticket.objects.filter(hall=hall, day=previous).exists():
            written += _seed_day(
                hall,
                categories,
                windows,
                clerks,
                previous,
                _moment(previous, 0),
                _moment(previous, 8.5 * 60),
                rng,
            )
        # From 8:30 (at most the last four hours, at least the last hour), never before
        # the day began.
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 1)))
        start = max(_moment(today, 0), now - datetime.timedelta(hours=4))
        start = max(midnight, min(start, now - datetime.timedelta(hours=1)))
        written += _seed_day(
            hall, categories, windows, clerks, today, start, now, rng, waiting_now=WAITING_NOW
        )
    return written


@register_seeder("hall", order=70)
def seed_hall() -> None:
    categories = seed_categories()
    seed_windows(categories)
    seed_tickets()
