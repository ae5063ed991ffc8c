"""The clinical app's API: its transitions' serializers. The endpoints are made from the cases
transition registry (``POST /api/v1/cases/{id}/<transition>/``)."""
