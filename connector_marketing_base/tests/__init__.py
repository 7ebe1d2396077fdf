# The base's own tests run through the test provider in
# tests/addons/test_connector_marketing_base; common.py serves every provider.
