"""What the search page shows (stub until the UI step)."""


def search_page_context(request):
    return {}, 200
