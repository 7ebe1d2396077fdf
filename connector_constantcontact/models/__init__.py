from . import constantcontact_backend
from . import constantcontact_res_partner
from . import marketing_sync_issue
from . import constantcontact_backend_job_data
