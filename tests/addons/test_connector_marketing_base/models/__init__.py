from . import test_marketing_backend
from . import test_marketing_res_partner
