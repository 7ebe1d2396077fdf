from . import test_cassettes
from . import test_jobs
from . import test_oauth
from . import test_sync
from . import test_privacy
