"""The clinical app's pages: its action forms."""
