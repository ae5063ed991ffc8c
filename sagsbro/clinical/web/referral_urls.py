"""The pages of referrals and the consultation calendar."""

from django.urls import path

from sagsbro.clinical.web import referral_views as v

app_name = "clinical"

urlpatterns = [
    path("sager/<int:pk>/klinisk/henvis/", v.referral_create, name="referral-create"),
    path("klinisk/henvisninger/", v.intake, name="intake"),
    path("klinisk/kalender/", v.calendar, name="calendar"),
    path("klinisk/kalender/tider/", v.slot_create, name="slot-create"),
    path("klinisk/kalender/steder/", v.place_create, name="place-create"),
    path("klinisk/kalender/tider/<int:slot_pk>/book/", v.slot_book, name="slot-book"),
    path("klinisk/speciallaeger/<int:specialist_pk>/", v.specialties_edit, name="specialties"),
]
