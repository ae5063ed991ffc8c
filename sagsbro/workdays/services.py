"""The working-day calendar as configured for this installation."""

from functools import cache

from django.conf import settings

from sagsbro.workdays.rules import WorkingDayCalendar, parse_closed_day_options


@cache
def configured_calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar(parse_closed_day_options(settings.SAGSBRO_CLOSED_DAYS))
