# the mixins are built before the adapter that inherits them
from . import feed
from . import bulk
from . import records
from . import adapter
