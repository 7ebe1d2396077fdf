from . import marketing_privacy_request
from . import marketing_sync_issue_link
from . import marketing_partner_status
