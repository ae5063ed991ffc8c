"""The meeting day page's holding part, rendered from its own context so the day's view
stays as it is: ``{% load meeting_holding %}{% holding_part day %}``."""

from typing import Any

from django import template

from sagsbro.meetings.web.holding import holding_context

register = template.Library()


@register.inclusion_tag("meetings/holding/_holding_part.html", takes_context=True)
def holding_part(context: template.Context, day: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "day": day,
        "csrf_token": context.get("csrf_token"),
        "request": request,
        **holding_context(day, request.user),
    }
