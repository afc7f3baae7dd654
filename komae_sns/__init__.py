# The release, as CHANGELOG.md numbers it: pyproject.toml reads it from here, the sysadmin sees it in
# the footer and /healthz reports it. Raise it with every release and its CHANGELOG.md section.
__version__ = "0.7.2"

from .celery import app as celery_app

__all__ = ("__version__", "celery_app")
