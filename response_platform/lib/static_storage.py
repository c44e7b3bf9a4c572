"""Static files as production serves them: minified, then hashed and compressed.

A victim's phone may be on a weak signal and a small data allowance, and the
pages that take them to the waiting room have a 30 KB budget (bench/page_weight).
Our scripts and styles carry many comments saying why; minifying them at
collectstatic saves about a quarter of the compressed bytes without touching the
sources developers read. Development (DEBUG) serves the sources as written.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from django.conf import settings
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


class MinifiedManifestStorage(CompressedManifestStaticFilesStorage):
    def post_process(self, paths: dict[str, tuple[Any, str]], dry_run: bool = False, **options: Any) -> Iterator:
        if not dry_run:
            paths = self._minify_copies(paths)
        # Hashing reads each file from where `paths` points, so the minified copies are
        # what gets hashed, named and compressed.
        yield from super().post_process(paths, dry_run=dry_run, **options)

    def _minify_copies(self, paths: dict[str, tuple[Any, str]]) -> dict[str, tuple[Any, str]]:
        """Minify our scripts and styles into this storage; the paths, now pointing at those copies."""
        paths = dict(paths)
        # Read from the source, not the collected copy: collectstatic skips copying an
        # unchanged file, and minifying an already minified copy again is wasted work.
        ours = {Path(directory).resolve() for directory in settings.STATICFILES_DIRS}
        for prefixed_path, (source_storage, path) in list(paths.items()):
            if Path(source_storage.location).resolve() not in ours:
                continue  # an installed app's files (Django admin's) ship as their authors built them
            suffix = next((suffix for suffix in MINIFIERS if prefixed_path.endswith(suffix)), None)
            if suffix is None:
                continue
            with source_storage.open(path) as source:
                text = MINIFIERS[suffix](source.read().decode("utf-8"))
            if self.exists(prefixed_path):
                self.delete(prefixed_path)
            self._save(prefixed_path, ContentFile(text.encode("utf-8")))
            paths[prefixed_path] = (self, prefixed_path)
        return paths
