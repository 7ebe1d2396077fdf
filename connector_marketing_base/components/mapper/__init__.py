# the mixin is built before the mappers that inherit it
from . import common
from . import export_mapper
from . import import_mapper

# importers and providers import these from ``components.mapper``
from .common import CANONICAL_KEYS, QUIET_CREATE
