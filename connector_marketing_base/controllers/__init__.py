from . import webhook
from . import oauth
