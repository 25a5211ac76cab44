#pragma once
// verdict_signing: an audit_verdict is signed by the validator's Ed25519 key (validator = the key in
// hex) over the MessagePack body with an empty signature, so the matchmaker and `infergrid trace`
// can check who judged what. (The ledger's verdict_message carries its own signature, ledger format.)
#include "messages/challenge.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::validator {

void sign_audit_verdict(audit_verdict& verdict, const identity& key);
// ok when the signature verifies against verdict.validator; bad_signature / malformed_input otherwise.
status verify_audit_verdict(const audit_verdict& verdict);

}  // namespace infergrid::validator
