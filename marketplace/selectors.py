"""Reads of the marketplace that other apps (the home page) may call."""


def products_highlighted(*, limit: int = 4) -> list:
    """Products for the home page's Kampung Sasirangan slot.

    Shops and products arrive with the marketplace issue; until then there are none.
    """
    return []
