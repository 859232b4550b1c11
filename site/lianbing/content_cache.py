"""Per-process caches of published content, invalidated through one shared stamp.

Serving a Wagtail page costs a site lookup, one query per level of the page tree, an alias
check and a view-restriction query before the page's own work starts; every page URL
rendered also reads the site root paths from the shared cache. None of that changes between
edits, so each process keeps it in memory, keyed by a *content stamp* held in the shared
cache (the database or Redis, so every process sees the same one).

Any write that could change what is routed or how it is rendered (a page saved, moved,
published or deleted; a view restriction; a site; a regulation's current revision) gives
the stamp a new random value once its transaction commits; the next request of every
process then reads the stamp, finds it new and starts afresh. A random value rather than a
counter: two concurrent edits can never leave the same value behind.

What is cached is public to the route, never personal: the page object as Wagtail routes
it (pickled, so each request gets its own copy), its view restrictions (still checked per
request against the user), the Site, and the site root paths.
"""

import pickle
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

STAMP_KEY = "lianbing:content-stamp"
MAX_ROUTES = 5000


def _empty(stamp) -> dict:
    return {
        "stamp": stamp,
        "routes": {},
        "sites": {},
        "root_paths": None,
        "values": {},
        "texts": {},
    }


# Replaced whole, never emptied in place: a thread still holding the previous memory keeps
# a consistent (older) view for the rest of its request.
_memory: dict = _empty(None)


def content_stamp(request=None) -> str:
    """The shared stamp, read at most once per request."""
    if request is not None and hasattr(request, "_lianbing_content_stamp"):
        return request._lianbing_content_stamp
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = secrets.token_hex(8)
        # Another process may have set one meanwhile: theirs wins, and is what we use.
        if not cache.add(STAMP_KEY, stamp, timeout=None):
            stamp = cache.get(STAMP_KEY) or stamp
    if request is not None:
        request._lianbing_content_stamp = stamp
    return stamp


def content_changed() -> None:
    """Give the stamp a new value, now and when the current transaction commits."""

    def renew():
        cache.set(STAMP_KEY, secrets.token_hex(8), timeout=None)
        forget()

    # Now, for this connection's own transaction (a shared cache in the database takes the
    # write into that transaction), and again on commit: a cache outside the database (Redis)
    # shows the first value at once, and another process may cache what it still reads of
    # the old content under it.
    renew()
    transaction.on_commit(renew, robust=True)


def forget() -> None:
    """Drop this process's copies; the next request re-reads the stamp."""
    global _memory
    _memory = _empty(None)


def remember(request, key, compute):
    """compute(), kept in memory until the content next changes. The value must be public
    content (never anything personal) and picklable; each caller gets its own copy."""
    values = _fresh_memory(request)["values"]
    pickled = values.get(key)
    if pickled is None:
        value = compute()
        if len(values) < MAX_ROUTES:
            values[key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        return value
    return pickle.loads(pickled)


def remember_text(request, key, render) -> str:
    """render(), shared as it is until the content next changes: for rendered markup that
    is the same for every reader (strings are immutable, so no copy is needed)."""
    texts = _fresh_memory(request)["texts"]
    text = texts.get(key)
    if text is None:
        text = render()
        if len(texts) < MAX_ROUTES:
            texts[key] = text
    return text


def _fresh_memory(request) -> dict:
    global _memory
    stamp = content_stamp(request)
    memory = _memory
    if memory["stamp"] != stamp:
        memory = _memory = _empty(stamp)
    return memory


def cached_site(request):
    """Site.find_for_request, from memory."""
    from wagtail.models import Site

    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    memory = _fresh_memory(request)
    key = (request._get_raw_host().lower(), request.get_port())
    if key not in memory["sites"]:
        memory["sites"][key] = Site.find_for_request(request)
    else:
        request._wagtail_site = memory["sites"][key]
    return request._wagtail_site


def site_root_paths(request):
    """Site.get_site_root_paths, from memory (Wagtail reads it for every page URL)."""
    from wagtail.models import Site

    memory = _fresh_memory(request)
    if memory["root_paths"] is None:
        memory["root_paths"] = Site.get_site_root_paths()
    return memory["root_paths"]


def cached_route(request, path: str):
    """Page.route_for_request for a GET, from memory: (page, args, kwargs) or None.

    The page comes back with its view restrictions attached (see CachedRouteMixin), so
    Wagtail's restriction check costs no query; it still runs for every request.
    """
    from wagtail.models import Page

    memory = _fresh_memory(request)
    site = cached_site(request)
    if site is None:
        return None
    # With Wagtail's i18n on, routing starts from the root page in the active language.
    language = get_language() if getattr(settings, "WAGTAIL_I18N_ENABLED", False) else ""
    key = (site.pk, path, language)
    pickled = memory["routes"].get(key)
    if pickled is None:
        result = Page.route_for_request(request, path)
        if result is None:
            return None  # not found: nothing to keep (unbounded paths)
        page = result[0]
        page._lianbing_view_restrictions = list(page.get_view_restrictions())
        if len(memory["routes"]) < MAX_ROUTES:
            # Routing leaves the chain of parents on the page; each copy would unpickle it.
            # Fields the page renders from a fragment cache stay out too (read on a miss).
            left_out = ("_cached_parent_obj", *getattr(page, "route_cache_defer", ()))
            kept = {name: page.__dict__.pop(name) for name in left_out if name in page.__dict__}
            memory["routes"][key] = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            page.__dict__.update(kept)
        return result
    result = pickle.loads(pickled)
    request._wagtail_route_for_request = result
    return result


def _on_write(sender, instance, raw=False, **kwargs):
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    if isinstance(instance, (Page, PageViewRestriction, Site, Locale)):
        content_changed()


def _on_page_move(sender, **kwargs):
    content_changed()


def _on_app_write(sender, **kwargs):
    content_changed()


def renew_on_write(model) -> None:
    """For apps: saving or deleting a `model` row changes rendered content."""
    from django.db.models.signals import post_delete, post_save

    uid = f"lianbing-content-{model._meta.label_lower}"
    post_save.connect(_on_app_write, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(_on_app_write, sender=model, dispatch_uid=f"{uid}-delete")


def connect_signals() -> None:
    """Every save or delete of a page, view restriction, site or locale renews the stamp;
    apps whose own rows change rendered content call content_changed() themselves."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import post_page_move

    post_save.connect(_on_write, dispatch_uid="lianbing-content-save")
    post_delete.connect(_on_write, dispatch_uid="lianbing-content-delete")
    post_page_move.connect(_on_page_move, dispatch_uid="lianbing-content-move")


class CachedRouteMixin:
    """For page models: restrictions that came with a cached route are not read again.

    `route_cache_defer` names fields the page's template renders inside a fragment cache:
    cached routes leave them out, and Django reads them only when the fragment is missing.
    """

    route_cache_defer: tuple[str, ...] = ()

    def get_view_restrictions(self):
        known = getattr(self, "_lianbing_view_restrictions", None)
        if known is not None:
            return known
        return super().get_view_restrictions()


class ContentCacheMiddleware:
    """Serves Wagtail's page routing and site root paths from the per-process cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Lazy: views that render no page URL never read the stamp.
        request._wagtail_cached_site_root_paths = SimpleLazyObject(lambda: site_root_paths(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail.views import serve

        if view_func is serve and request.method in ("GET", "HEAD"):
            cached_route(request, view_kwargs.get("path", view_args[0] if view_args else ""))
        return None
