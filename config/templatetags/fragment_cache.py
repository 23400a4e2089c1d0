"""{% fragment_cache "name" vary_on... %}...{% endfragment_cache %} (see config/fragment_cache.py).

    {% load fragment_cache %}
    {% fragment_cache "destination-body" page.pk %}{% for block in page.body %}...{% endfor %}{% endfragment_cache %}

Nothing inside may differ per visitor (no CSRF token, cart or message).
"""

from django import template

from config.fragment_cache import fragment_cached

register = template.Library()


class FragmentCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        vary_on = [variable.resolve(context) for variable in self.vary_on]
        return fragment_cached(context.get("request"), self.name.resolve(context), vary_on,
                               lambda: self.nodelist.render(context))


@register.tag("fragment_cache")
def do_fragment_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment_cache' needs a name: {% fragment_cache \"name\" vary... %}")
    nodelist = parser.parse(("endfragment_cache",))
    parser.delete_first_token()
    return FragmentCacheNode(nodelist, parser.compile_filter(bits[1]),
                             [parser.compile_filter(bit) for bit in bits[2:]])
