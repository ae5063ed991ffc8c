"""The meeting day page's coordinator and team parts as inclusion tags, so the page's view
(meetings.web.days) needs to know nothing of them: each computes its own context from the
page's ``day`` and the reader."""

from __future__ import annotations

from typing import Any

from django import template

from sagsbro.meetings.web import coordination

register = template.Library()


@register.inclusion_tag("meetings/day/coordinator_panel.html", takes_context=True)
def coordinator_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        **coordination.coordinator_context(request.user, context["day"]),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("meetings/day/team_panel.html", takes_context=True)
def team_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        **coordination.team_context(request.user, context["day"]),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
