"""The organisations app's pages: views, forms and page builders."""
