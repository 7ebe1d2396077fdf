from . import marketing_privacy_request
