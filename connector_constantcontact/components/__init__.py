from . import core
from . import adapter
from . import mapper
from . import exporter
from . import importer
from . import list_sync
from . import engagement_importer
from . import listener
