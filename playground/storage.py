"""Static files in production: hashed names (cached forever), compressed, and ES module imports
rewritten to the hashed names too, so a browser never mixes modules of two deployments."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
