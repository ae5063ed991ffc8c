"""Static files in production: WhiteNoise's compressed manifest storage (hashed names, a
gzipped copy of each file, and a Brotli copy unless SAGSBRO_STATIC_BROTLI is off).

Brotli at its best quality makes JavaScript and CSS about a fifth smaller than gzip, and
compressing every file with it takes most of a minute; it is done once, when the image is
built. The production smoke test switches it off to stay quick (gzip and the hashed names
are the same either way)."""

from typing import Any

from django.conf import settings

# WhiteNoise ships no type information.
from whitenoise.compress import Compressor  # type: ignore[import-untyped]
from whitenoise.storage import (  # type: ignore[import-untyped]
    CompressedManifestStaticFilesStorage,
)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(
            use_brotli=getattr(settings, "SAGSBRO_STATIC_BROTLI", True), **kwargs
        )
