"""The conversion checks an image's pixel count again before decoding it (an original stored
before the upload check, or one the check missed, must not take gigabytes of memory)."""

import pytest

from sagsbro.documents import conversion, rules
from sagsbro.documents.tests import files


def test_an_image_with_too_many_pixels_is_not_decoded(tmp_path):
    source = tmp_path / "original.png"
    source.write_bytes(files.large_png(12000, 12000))
    with pytest.raises(conversion.ConversionFailed) as failed:
        conversion.image_to_pdf(source, tmp_path)
    assert failed.value.code == "image-too-large"
    assert failed.value.reason == rules.image_too_large("144 megapixel")
    assert not (tmp_path / "out.pdf").exists()


def test_an_image_within_the_limit_is_converted(tmp_path):
    source = tmp_path / "original.png"
    source.write_bytes(files.png_with_transparency())
    assert conversion.image_to_pdf(source, tmp_path).read_bytes().startswith(b"%PDF")
