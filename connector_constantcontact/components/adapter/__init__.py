# the mixins are built before the adapter that inherits them
from . import records
from . import bulk
from . import reports
from . import adapter

# the exporter imports these from ``components.adapter``
from .api import IMPORT_MAX_BYTES, PHONE_KINDS
