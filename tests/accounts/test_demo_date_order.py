"""``accounts.demo.in_date_order``: the demo's dated stories run together, every act on
its moment and all of them in date order (so the numbers the services take on the way
follow the dates)."""

import datetime

from django.utils import timezone

from accounts.demo import in_date_order


def test_the_acts_of_all_stories_run_in_date_order_each_on_its_moment():
    real = timezone.now()
    day = datetime.timedelta(days=1)
    done = []

    def story(name, *days_ago):
        # The moments are taken before the first yield: with the real clock.
        moments = [timezone.now() - n * day for n in days_ago]
        for moment in moments:
            yield moment
            done.append((name, timezone.now()))

    in_date_order([story("a", 5, 1), story("b", 9, 3, 0), story("c")])
    assert [name for name, _ in done] == ["b", "a", "b", "a", "b"]
    moments = [moment for _, moment in done]
    assert moments == sorted(moments)
    assert [round((real - moment) / day) for moment in moments] == [9, 5, 3, 1, 0]
    assert timezone.now() >= real  # the real clock is back


def test_a_moment_read_twice_from_the_real_clock_does_not_go_back():
    done = []

    def story():
        later = timezone.now()
        yield later
        done.append(timezone.now())
        yield later - datetime.timedelta(microseconds=1)
        done.append(timezone.now())

    in_date_order([story()])
    assert done[0] == done[1]
