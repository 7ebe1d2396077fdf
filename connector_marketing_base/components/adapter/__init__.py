# the mixins are built before the adapter that inherits them
from . import http
from . import errors
from . import auth
from . import paging
from . import create_once
from . import adapter

# providers and tests import these from ``components.adapter``
from .adapter import MarketingAdapter, Page
