"""Web pages for documents (the REST API lives under sagsbro/documents/api/). None yet: the
GP's list of the documents sent to them is a section of the worklist (`web/shared_page.py`)."""

from django.urls import URLPattern

app_name = "documents"

urlpatterns: list[URLPattern] = []
