"""{% shared_fragment key %}…{% endshared_fragment %}: a fragment rendered once per process
and content stamp (lianbing.content_cache), for markup that is the same for every reader.

Unlike Django's {% cache %} the rendered string is kept as it is, not pickled: strings are
immutable, so every request can share it, and any content change drops it at once.
"""

from django import template

from lianbing.content_cache import remember_text

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        key = ("fragment", self.key.resolve(context))
        return remember_text(request, key, lambda: self.nodelist.render(context))


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% shared_fragment key %} takes one key")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]))
