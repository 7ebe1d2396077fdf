from . import test_cassettes
from . import test_jobs
from . import test_oauth
from . import test_sync
from . import test_fidelity_api
from . import test_fidelity_contacts
from . import test_attacker
from . import test_consent
