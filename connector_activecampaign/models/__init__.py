from . import activecampaign_backend
from . import activecampaign_deal_stage
from . import activecampaign_res_partner
from . import activecampaign_account
from . import activecampaign_sale_order
from . import activecampaign_backend_job_data
