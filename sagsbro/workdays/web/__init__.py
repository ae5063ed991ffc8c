"""The workdays app's pages: views, forms and page builders."""
