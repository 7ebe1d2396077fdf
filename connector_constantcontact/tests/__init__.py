from . import test_oauth
from . import test_sync
