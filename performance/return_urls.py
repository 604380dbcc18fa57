"""Returns: list, start, read, fill in, submit, sign off, query, versions."""

urlpatterns: list = []
