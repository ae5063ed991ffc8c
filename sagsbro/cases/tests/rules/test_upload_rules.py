"""Categories a subtype never takes as an upload (cases/rules/uploads.py): the klinisk-funktion
LÆ 275 is the signed structured certificate, filed at delivery (BEK § 14, § 15 stk. 2)."""

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.uploads import subtype_upload_refusal
from sagsbro.documents.rules import Category


def test_no_lae_275_is_uploaded_to_a_klinisk_funktion_case() -> None:
    refusal = subtype_upload_refusal(Subtype.KLINISK_FUNKTION, Category.LAE_275)
    assert refusal is not None
    assert "BEK § 14 og § 15, stk. 2" in refusal and "fanen Vurdering" in refusal
    # The same for the category's plain key, as a form or the API sends it.
    assert subtype_upload_refusal(Subtype.KLINISK_FUNKTION, "lae_275") == refusal


def test_everything_else_is_left_to_the_upload_sides() -> None:
    for category in Category:
        if category != Category.LAE_275:
            assert subtype_upload_refusal(Subtype.KLINISK_FUNKTION, category) is None
    for subtype in Subtype:
        if subtype != Subtype.KLINISK_FUNKTION:
            assert subtype_upload_refusal(subtype, Category.LAE_275) is None
    assert subtype_upload_refusal(Subtype.KLINISK_FUNKTION, "no_such_category") is None
