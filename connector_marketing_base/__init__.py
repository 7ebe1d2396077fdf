from . import tools
from . import models
from . import components
from . import controllers
from . import wizards
