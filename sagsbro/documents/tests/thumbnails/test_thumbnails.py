"""First-page thumbnails: drawn 160 px wide from the PDF (or a converted document's PDF
rendition) in a bounded child process, stored as a blob, made by the task queued when a
document is attached; a hostile page's size, a memory or time limit, or a file that is no PDF
gives no thumbnail rather than an exhausted worker."""

import io
import zlib
from pathlib import Path

import pikepdf
import pytest
from django_tasks_db.models import DBTaskResult
from pikepdf import Dictionary, Name
from PIL import Image

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document
from sagsbro.conftest import make_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.tasks import make_thumbnail
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.documents.tests.files import docx
from sagsbro.documents.thumbnails import MAX_HEIGHT, WIDTH, render_scale, thumbnail_png

THUMBNAIL_TASK = "sagsbro.documents.tasks.make_thumbnail"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def one_page(box, content=b"", resources=None) -> bytes:
    pdf = pikepdf.new()
    page = Dictionary(
        Type=Name.Page,
        MediaBox=box,
        Resources=resources or Dictionary(),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def image_bomb(side: int = 12_000) -> bytes:
    """One A4 page drawing a side × side RGB image (430 MB decoded) that compresses to a few
    megabytes."""
    pdf = pikepdf.new()
    packer = zlib.compressobj(9)
    row = b"\x80" * (side * 3)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    image = pdf.make_stream(
        data,
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=side,
        Height=side,
        ColorSpace=Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=Name.FlateDecode,
    )
    page = Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=Dictionary(XObject=Dictionary(Im0=image)),
        Contents=pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def written(tmp_path: Path, content: bytes, name: str = "source.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_scale_fits_the_width_and_never_the_bitmap_past_the_bounds():
    assert render_scale(595, 842) == pytest.approx(WIDTH / 595)  # A4: by the width
    tall = render_scale(100, 100_000)
    assert tall is not None and 100_000 * tall <= MAX_HEIGHT
    wide = render_scale(14_400, 1)
    assert wide is not None and 14_400 * wide <= WIDTH
    assert render_scale(0, 842) is None
    assert render_scale(float("nan"), 842) is None
    assert render_scale(float("inf"), 842) is None


def test_an_a4_page_becomes_a_160_pixel_wide_png(tmp_path):
    png = thumbnail_png(written(tmp_path, multi_page_pdf("Epikrise", 3)))
    assert png is not None
    width, height = png_size(png)
    assert width == WIDTH
    assert height == round(842 * WIDTH / 595) or abs(height - 842 * WIDTH / 595) <= 1


@pytest.mark.parametrize(
    "box",
    [[0, 0, 14_400, 1], [0, 0, 3, 14_400], [0, 0, 14_400, 14_400]],
    ids=["a strip", "a roll", "the largest page"],
)
def test_a_page_of_any_size_gives_a_bitmap_within_the_bounds(tmp_path, box):
    png = thumbnail_png(written(tmp_path, one_page(box)))
    assert png is not None
    width, height = png_size(png)
    assert width <= WIDTH and height <= MAX_HEIGHT


@pytest.fixture(scope="module")
def bomb():
    return image_bomb()


def test_a_huge_image_is_drawn_small_within_the_memory_limit(tmp_path, bomb):
    png = thumbnail_png(written(tmp_path, bomb))
    assert png is not None
    assert png_size(png)[0] == WIDTH


def test_a_drawing_that_runs_out_of_memory_gives_no_thumbnail(tmp_path, bomb):
    # The child may not use more than its ceiling: here too little to draw at all.
    assert thumbnail_png(written(tmp_path, bomb), memory_bytes=16 * 1024 * 1024) is None


def test_a_drawing_past_the_time_limit_gives_no_thumbnail(tmp_path, bomb):
    assert thumbnail_png(written(tmp_path, bomb), timeout=0.01) is None


def test_bytes_that_are_no_pdf_give_no_thumbnail(tmp_path):
    assert thumbnail_png(written(tmp_path, b"%PDF-1.4\nnot really\n")) is None
    assert thumbnail_png(written(tmp_path, docx(), "word.docx")) is None
    assert thumbnail_png(tmp_path / "missing.pdf") is None


@pytest.mark.django_db
def test_attaching_a_pdf_queues_its_thumbnail_and_the_task_stores_it(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    document = add_case_document(
        side_a.caseworker,
        case,
        category=str(Category.LAE_265),
        title="Lægeattest",
        filename="attest.pdf",
        content=multi_page_pdf("Attest", 2),
    )
    queued = DBTaskResult.objects.filter(task_path=THUMBNAIL_TASK)
    assert [task.args_kwargs["args"] for task in queued] == [[document.pk]]

    assert make_thumbnail.call(document.pk) is True
    document.refresh_from_db()
    assert document.thumbnail is not None
    with document.thumbnail.file.open("rb") as stored:
        assert png_size(stored.read())[0] == WIDTH
    # The same first page on another document is stored once.
    copy = Document.objects.create(
        case=case,
        category=Category.OTHER,
        title="Kopi",
        filename="kopi.pdf",
        content_type="application/pdf",
        blob=document.blob,
        uploaded_by=side_a.caseworker,
    )
    assert make_thumbnail.call(copy.pk) is True
    copy.refresh_from_db()
    assert copy.thumbnail_id == document.thumbnail_id


@pytest.mark.django_db
def test_a_document_without_a_pdf_to_draw_from_gets_no_thumbnail(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    word = add_case_document(
        side_a.caseworker,
        case,
        category=str(Category.OTHER),
        title="Notat",
        filename="notat.docx",
        content=docx(),
    )
    # Its thumbnail waits for the conversion, which queues it when the rendition exists.
    assert not DBTaskResult.objects.filter(task_path=THUMBNAIL_TASK).exists()
    assert make_thumbnail.call(word.pk) is False
    assert make_thumbnail.call(10**9) is False  # gone meanwhile
    word.refresh_from_db()
    assert word.thumbnail_id is None
