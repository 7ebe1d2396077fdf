from . import constantcontact_backend
from . import constantcontact_res_partner
from . import constantcontact_backend_job_data
