"""Static files storage for production: WhiteNoise's compressed manifest storage whose URLs
are worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Each {% static %} looks the hashed name up in the manifest and then splits, joins and
    unquotes the URL; the manifest is fixed for the life of the process, so each URL is
    worked out once. Names the manifest lacks still raise every time."""

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        memo = self.__dict__.setdefault("_url_memo", {})
        url = memo.get(name)
        if url is None:
            url = memo[name] = super().url(name)
        return url
