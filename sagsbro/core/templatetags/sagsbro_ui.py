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


@register.filter
def shown_at_a_field(service_error, form) -> bool:
    """Whether the refusal's own message stands beside one of the form's fields (put there by
    `core.web.copy_field_errors`): the error summary then lists it once, as the field's link."""
    if not form:
        return False
    return any(service_error.message in errors for errors in form.errors.values())
