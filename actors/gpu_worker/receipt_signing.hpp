#pragma once
// receipt_signing: a completion_receipt is signed by the worker's Ed25519 key over the MessagePack
// encoding of the receipt with an empty `signature`; worker_id is that key in hex, so anyone
// (matchmaker, settlement, validators) can check a receipt without asking the worker.
#include "messages/inference.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid {

void sign_receipt(completion_receipt& receipt, const identity& key);
// ok when the signature verifies against receipt.worker_id; bad_signature / malformed_input otherwise.
status verify_receipt(const completion_receipt& receipt);

}  // namespace infergrid
