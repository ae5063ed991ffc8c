"""Real PDFs of one letter's text made by two different producers, as a document saved again
or scanned and OCRed again would be: WeasyPrint (HTML, embedded fonts, one text run per
paragraph) and pikepdf (a hand-written content stream with a base-14 font, one run per line).
The text is ASCII so the base-14 font's encoding needs no care."""

import io

import pikepdf
from pikepdf import Dictionary, Name
from weasyprint import HTML

LETTER = [
    "Statusattest fra egen laege",
    "Borgeren har gennem det seneste halve aar haft tiltagende smerter i ryggen",
    "og har deltaget i et specifikt forloeb med fysioterapi to gange om ugen.",
]
OTHER_LETTER = [
    "Referat fra arbejdsproevning hos virksomheden",
    "Borgeren har moedt stabilt op fire timer dagligt i otte uger",
    "og har kunnet loese lettere lageropgaver uden hjaelp.",
]


def weasyprint_pdf(lines: list[str]) -> bytes:
    heading, *rest = lines
    body = "".join(f"<p>{line}</p>" for line in rest)
    return HTML(string=f"<html><body><h1>{heading}</h1>{body}</body></html>").write_pdf()


def pikepdf_pdf(lines: list[str]) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    stream = "\n".join(
        f"BT /F1 11 Tf 60 {780 - number * 18} Td ({line}) Tj ET"
        for number, line in enumerate(lines)
    )
    page = Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=Dictionary(Font=Dictionary(F1=font)),
        Contents=pdf.make_stream(stream.encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
