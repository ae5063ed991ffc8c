"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No payload of the API nests deeper than a few levels; a deeper one is refused before
# anything recurses over it (validation, error messages, the audit detail).
MAX_JSON_DEPTH = 32


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit`, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        children = (
            current.values()
            if isinstance(current, dict)
            else current
            if isinstance(current, list)
            else ()
        )
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a limit on nesting: a deeply nested body is a 400, never a
    RecursionError (a 500). The default parser of every view (REST_FRAMEWORK)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        message = f"JSON-indholdet er indlejret for dybt (højst {self.max_depth} niveauer)."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if _depth_exceeds(data, self.max_depth):
            raise ParseError(message)
        return data
