"""The years a date may have anywhere in the product (pages and API alike): the working-day
calendar is defined for these years, and a deadline computed from a date near the end of the
calendar (9999-12-31) would overflow."""

import datetime

FIRST_YEAR = 1900
LAST_YEAR = 2200
DATE_RANGE_MESSAGE = f"Datoen skal ligge mellem år {FIRST_YEAR} og {LAST_YEAR}."


def in_range(value: datetime.date) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR
