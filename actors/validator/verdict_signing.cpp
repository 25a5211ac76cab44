#include "actors/validator/verdict_signing.hpp"

#include <algorithm>

#include "messages/body.hpp"

namespace infergrid::validator {
namespace {

std::vector<std::uint8_t> signed_bytes(audit_verdict verdict) {
  verdict.signature.clear();
  return encode_body(verdict);
}

}  // namespace

void sign_audit_verdict(audit_verdict& verdict, const identity& key) {
  verdict.validator = to_hex(key.public_id());
  const auto sig = key.sign(signed_bytes(verdict));
  verdict.signature.assign(sig.begin(), sig.end());
}

status verify_audit_verdict(const audit_verdict& verdict) {
  public_key signer{};
  IG_TRY(from_hex(verdict.validator, signer));
  signature sig{};
  if (verdict.signature.size() != sig.size()) {
    return make_error(error_code::malformed_input, "audit verdict signature has " +
                                                       std::to_string(verdict.signature.size()) + " bytes, expected 64");
  }
  std::copy(verdict.signature.begin(), verdict.signature.end(), sig.begin());
  if (!verify_signature(signer, signed_bytes(verdict), sig)) {
    return make_error(error_code::bad_signature, "audit verdict on " + verdict.request_id + " is not signed by " +
                                                     verdict.validator);
  }
  return {};
}

}  // namespace infergrid::validator
