from . import test_adapter
from . import test_cassettes
from . import test_sync
from . import test_deals
from . import test_webhook
from . import test_jobs
from . import test_feeds
from . import test_privacy
