from . import webhook
from . import oauth
from . import runjob
