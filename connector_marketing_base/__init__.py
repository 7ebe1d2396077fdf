import logging

from . import tools
from . import models
from . import components
from . import controllers
from . import wizards


def post_load():
    """Hide the secrets of webhook URLs from this server's request log.

    A hook rather than an import side effect: Odoo calls it once, when the
    addon is loaded, and importing the package elsewhere (tests, tools)
    changes no logger.
    """
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(
        isinstance(f, controllers.webhook.RedactWebhookSecrets)
        for f in werkzeug_logger.filters
    ):
        werkzeug_logger.addFilter(controllers.webhook.RedactWebhookSecrets())
