"""The clinical app's generated documents (PDF)."""
