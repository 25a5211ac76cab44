#include "actors/settlement/request_op_ids.hpp"

#include "actors/settlement/ledger/ledger.hpp"

namespace infergrid {
std::string receipt_op_id(const completion_receipt& receipt) {
  std::string readable = "receipt/" + receipt.request_id + "/" + receipt.worker_id.substr(0, worker_id_hex_in_op_id);
  if (readable.size() <= ledger::op_id_bytes_max) return readable;
  const std::string both = receipt.request_id + "/" + receipt.worker_id;
  const digest hashed = hash_bytes(std::span(reinterpret_cast<const std::uint8_t*>(both.data()), both.size()));
  return "receipt/" + to_hex(hashed);
}

std::vector<std::string> trace_op_ids(const trace_report& trace) {
  std::vector<std::string> op_ids = {"escrow/" + trace.request_id, "refund/" + trace.request_id};
  for (const auto& r : trace.receipts) op_ids.push_back(receipt_op_id(r));
  for (const auto& v : trace.verdicts) op_ids.push_back("verdict/" + trace.request_id + "/" + v.validator);
  return op_ids;
}

}  // namespace infergrid
