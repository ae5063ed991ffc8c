"""Small helpers for Det Fælles Designsystem (DKFDS) markup in templates."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

ICON_SPRITE = "dkfds/img/all-svg-icons.svg"


@register.simple_tag
def icon(name, label="", classes=""):
    """A DKFDS icon from the package's SVG sprite; decorative unless it has a label."""
    css = f"icon-svg {classes}".strip()
    href = f"{static(ICON_SPRITE)}#{name}"
    if label:
        return format_html(
            '<svg class="{}" focusable="false" role="img" aria-label="{}"><use href="{}"></use>'
            "</svg>",
            css,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" focusable="false" aria-hidden="true"><use href="{}"></use></svg>',
        css,
        href,
    )
