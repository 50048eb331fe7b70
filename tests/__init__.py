from . import test_account
from . import test_codes
from . import test_document
from . import test_security
from . import test_series
from . import test_gib_user
