"""Response headers every app relies on."""

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """API answers and downloaded documents carry citizens' data: `Cache-Control: no-store`
    keeps them out of browser caches and shared proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith("/api/") or is_download(response):
            patch_cache_control(response, no_store=True)
        return response


def is_download(response: HttpResponseBase) -> bool:
    return isinstance(response, FileResponse) or response.get("Content-Disposition", "").startswith(
        "attachment"
    )
