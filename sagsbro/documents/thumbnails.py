"""A small picture of a document's first page for the Dokumenter tab.

The first page of the PDF (the document itself, or the PDF made from a Word file or an image)
is drawn with PDFium (pypdfium2) at `WIDTH` pixels across and saved as PNG. A PDF comes from
outside, so the drawing is bounded twice: the bitmap's size is fixed before anything is drawn
(a page of absurd proportions is drawn smaller, never larger than `WIDTH` × `MAX_HEIGHT`), and
PDFium runs in a child process with a memory ceiling, a CPU-time limit and a wall-clock
timeout, so a page whose content decodes huge images or loops cannot take the worker with it.
A file that cannot be drawn within those bounds simply gets no thumbnail.

No Django here: the child process imports this module alone (`python -m`).
"""

import io
import math
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

WIDTH = 160
# A page taller than twice its width (a receipt roll, a hostile MediaBox) is scaled to fit
# this height instead, so the bitmap never exceeds WIDTH × MAX_HEIGHT pixels.
MAX_HEIGHT = 2 * WIDTH
# Bounds on the child that draws: address space (PDFium decodes images into memory), CPU
# seconds, and the wall clock the parent waits.
CHILD_MEMORY_BYTES = 768 * 1024 * 1024
CHILD_CPU_SECONDS = 15
CHILD_TIMEOUT_SECONDS = 30
# A PNG of WIDTH × MAX_HEIGHT RGB pixels is far below this; more means something is wrong.
MAX_PNG_BYTES = 1024 * 1024
# The directory holding the `sagsbro` package, the child's working directory.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]

# PDFium is not thread-safe; one drawing at a time per process.
_PDFIUM = threading.Lock()


def render_scale(width_pt: float, height_pt: float) -> float | None:
    """The scale (pixels per PDF point) that draws a page of this size `WIDTH` pixels wide
    and at most `MAX_HEIGHT` high; None for a page with no sensible size."""
    if not (math.isfinite(width_pt) and math.isfinite(height_pt)):
        return None
    if width_pt < 1 or height_pt < 1:
        return None
    return min(WIDTH / width_pt, MAX_HEIGHT / height_pt)


def render_first_page(source: Path) -> bytes | None:
    """The first page of the PDF at `source` as PNG bytes, drawn in this process; None when
    the file does not open or has no drawable first page."""
    import pypdfium2  # type: ignore[import-untyped]

    with _PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(str(source))
        except pypdfium2.PdfiumError:
            return None
        try:
            if len(pdf) == 0:
                return None
            page = pdf[0]
            try:
                # The page as shown (its rotation applied), so the bounds hold for what is drawn.
                width, height = page.get_size()
                if page.get_rotation() in (90, 270):
                    width, height = height, width
                scale = render_scale(width, height)
                if scale is None:
                    return None
                bitmap = page.render(scale=scale, may_draw_forms=False)
                try:
                    image = bitmap.to_pil()
                    if image.width > WIDTH + 1 or image.height > MAX_HEIGHT + 1:
                        return None  # pragma: no cover - PDFium drew other than asked
                    out = io.BytesIO()
                    image.save(out, format="PNG", optimize=True)
                    return out.getvalue()
                finally:
                    bitmap.close()
            finally:
                page.close()
        except pypdfium2.PdfiumError:
            return None
        finally:
            pdf.close()


def thumbnail_png(
    source: Path,
    *,
    timeout: float = CHILD_TIMEOUT_SECONDS,
    memory_bytes: int = CHILD_MEMORY_BYTES,
) -> bytes | None:
    """The first page of the PDF at `source` as PNG, drawn in a bounded child process; None
    when it cannot be drawn within the bounds (or is not a drawable PDF)."""

    def limit_child() -> None:  # pragma: no cover - runs in the child, before exec
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, a path we made
            [sys.executable, "-m", "sagsbro.documents.thumbnails", str(source.resolve())],
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit_child,  # noqa: PLW1509 - sets limits only, no locks taken
            # Where the package is, whatever the worker's working directory.
            cwd=PACKAGE_ROOT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    png = done.stdout
    if done.returncode != 0 or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    if len(png) > MAX_PNG_BYTES:
        return None
    return png


def _main(argv: list[str]) -> int:  # pragma: no cover - the child process
    if len(argv) != 1:
        return 2
    png = render_first_page(Path(argv[0]))
    if png is None:
        return 1
    sys.stdout.buffer.write(png)
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process
    sys.exit(_main(sys.argv[1:]))
