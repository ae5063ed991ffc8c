from django.urls import path

from sagsbro.clinical.web.price_views import price_page

urlpatterns = [path("klinisk/priser/", price_page, name="clinical-prices")]
