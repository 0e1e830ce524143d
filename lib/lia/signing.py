"""Old name of the signing API, kept for the pages and the wizard that import it.

Keys, the key log, statements, signatures and verification live in :mod:`lia.reports`
(:mod:`~lia.reports.keys`, :mod:`~lia.reports.keylog`, :mod:`~lia.reports.statement`,
:mod:`~lia.reports.signing`); this module only re-exports them.
"""

from __future__ import annotations

from .reports.dsse import KEYLOG_PAYLOAD_TYPE, PAYLOAD_TYPE, RECORD_PAYLOAD_TYPE, pae, write_atomic
from .reports.keylog import KeyLog, add_trusted_key, load_key_log, migrate_trusted_keys, new_key, revoke_key
from .reports.keys import (KEY_LOG_FILE, ROLES, TRUST_ROOT_ENV, TRUSTED_KEYS_FILE, TrustedKey, export_trusted_keys,
                           key_log_path, keyid_of, load_private_key, load_trusted_keys, pin_root, pinned_roots,
                           read_passphrase, trust_config_path, trusted_keys_path, user_config_dir)
from .reports.signing import REQUIRED_ROLES, Signer, Verification, sign_report, verify_report
from .reports.statement import (ENVELOPE_FILE, RECORDS_FILE, STATEMENT_FILE, STATEMENT_TYPE, check_binding,
                                check_subjects, load_statement)

__all__ = [
    "ENVELOPE_FILE", "KEYLOG_PAYLOAD_TYPE", "KEY_LOG_FILE", "PAYLOAD_TYPE", "RECORDS_FILE", "RECORD_PAYLOAD_TYPE", "REQUIRED_ROLES", "ROLES",
    "STATEMENT_FILE", "STATEMENT_TYPE", "TRUSTED_KEYS_FILE", "TRUST_ROOT_ENV", "KeyLog", "Signer", "TrustedKey",
    "Verification", "add_trusted_key", "check_binding", "check_subjects", "export_trusted_keys", "key_log_path",
    "keyid_of", "load_key_log", "load_private_key", "load_statement", "load_trusted_keys", "migrate_trusted_keys",
    "new_key", "pae", "pin_root", "pinned_roots", "read_passphrase", "revoke_key", "sign_report",
    "trust_config_path", "trusted_keys_path", "user_config_dir", "verify_report", "write_atomic",
]
