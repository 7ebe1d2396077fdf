# the mixins are built before the adapter that inherits them
from . import records
from . import bulk
from . import adapter
