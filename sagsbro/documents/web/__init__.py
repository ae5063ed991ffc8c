"""The documents app's pages: views, forms and page builders."""
