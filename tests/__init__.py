from . import test_account, test_security
