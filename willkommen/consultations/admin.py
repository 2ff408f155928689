"""Case-content models are deliberately NOT registered in the Django admin.

The operator (the only role with admin access) must never reach case content; the admin
has no organisation filter and no audit. Consultations, client records and the audit log
are reachable only through the staff UI, where the policy module decides and every read is
audited. ``tests/consultations/test_secrecy.py`` checks that none of them is registered.
"""
