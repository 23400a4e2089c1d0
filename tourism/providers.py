"""What tourism's pages show that another app provides: the home page's Kampung Sasirangan rail,
the artisans' shops near a destination, a campaign's product cards. tourism never imports those
apps; they register a
function here in their AppConfig.ready() (marketplace/apps.py), and a page without a provider
shows nothing in that place.
"""

from collections.abc import Callable

# (limit, filter_specs) -> products for the home page's rail, their photos' renditions `filter_specs`;
# with None, without them: the home page asks for them with its other cards' in one query
HOME_HIGHLIGHTS = "home_highlights"
LOCATED_SHOPS = "located_shops"  # () -> ((pk, latitude, longitude, name), ...) of public shops on the map
SHOPS_BY_IDS = "shops_by_ids"  # (ids=[...]) -> {pk: public shop, its district and photo joined in}
PRODUCTS_BY_IDS = "products_by_ids"  # (ids=[...]) -> {pk: public product, ready for a card}
PRODUCTS_NEWEST_IDS = "products_newest_ids"  # (limit) -> ids of the newest public products

PROVIDERS: dict[str, Callable] = {}


def provider_register(name: str, function: Callable) -> None:
    PROVIDERS[name] = function


def provided(name: str, *args, **kwargs):
    """What the registered provider returns, or None where no app provides it."""
    function = PROVIDERS.get(name)
    return function(*args, **kwargs) if function is not None else None
