"""The cases app's pages: views, forms and page builders."""
