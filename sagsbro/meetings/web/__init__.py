"""The meetings app's pages: its action forms and the case page's team tab."""
