from . import test_account, test_document, test_security, test_signing
