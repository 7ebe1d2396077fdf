from . import marketo_backend
from . import marketo_res_partner
from . import marketo_crm_lead
from . import marketo_company
from . import marketo_backend_job_data
