"""The pipeline version stamped on every record, so consumers can tell outputs apart."""

from importlib.metadata import PackageNotFoundError, version

try:
    PIPELINE_VERSION = version("winnow-news")
except PackageNotFoundError:  # running from a source tree that is not installed
    PIPELINE_VERSION = "0+unknown"
