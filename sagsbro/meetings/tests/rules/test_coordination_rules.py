"""A coordinator's availability (overlapping meetings) and workload text."""

import datetime

from sagsbro.meetings.rules.coordination import TimeSpan, Workload, busy, overlaps, week_of

DAY = datetime.date(2027, 3, 10)


def span(start, end, date=DAY):
    return TimeSpan(date, datetime.time(start), datetime.time(end))


def test_meetings_overlap_only_when_they_share_a_moment_on_the_same_date():
    assert overlaps(span(9, 12), span(11, 13))
    assert overlaps(span(9, 12), span(10, 11))
    assert not overlaps(span(9, 12), span(12, 14))  # back to back
    assert not overlaps(span(9, 12), span(9, 12, DAY + datetime.timedelta(days=7)))
    assert busy(span(9, 12), [span(13, 14), span(8, 10)])
    assert not busy(span(9, 12), [])


def test_week_of_is_monday_to_sunday():
    assert week_of(DAY) == (datetime.date(2027, 3, 8), datetime.date(2027, 3, 14))


def test_workload_text():
    assert Workload(1, 1).text == "1 mødedag i ugen, 1 åben sag"
    assert Workload(0, 7).text == "0 mødedage i ugen, 7 åbne sager"
