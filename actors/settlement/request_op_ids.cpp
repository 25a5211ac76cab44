#include "actors/settlement/request_op_ids.hpp"

#include "actors/settlement/ledger/ledger.hpp"

namespace infergrid {
std::string worker_payment_op_id(std::string_view kind, const std::string& request_id, const std::string& worker_id,
                                 std::optional<std::uint32_t> first_index) {
  const std::string segment = first_index ? "/" + std::to_string(*first_index) : "";
  std::string readable = std::string(kind) + "/" + request_id + "/" + worker_id.substr(0, worker_id_hex_in_op_id) + segment;
  if (readable.size() <= ledger::op_id_bytes_max) return readable;
  const std::string both = request_id + "/" + worker_id + segment;
  const digest hashed = hash_bytes(std::span(reinterpret_cast<const std::uint8_t*>(both.data()), both.size()));
  return std::string(kind) + "/" + to_hex(hashed);
}

std::string member_op_id(std::string_view kind, const std::string& account, const std::string& op_id) {
  if (op_id.empty()) return op_id;  // the ledger refuses an empty op id
  std::string readable = std::string(kind) + "/" + account.substr(0, worker_id_hex_in_op_id) + "/" + op_id;
  if (readable.size() <= ledger::op_id_bytes_max) return readable;
  const std::string both = account + "/" + op_id;
  const digest hashed = hash_bytes(std::span(reinterpret_cast<const std::uint8_t*>(both.data()), both.size()));
  return std::string(kind) + "/" + to_hex(hashed);
}

std::string verdict_op_id(const std::string& request_id, const std::string& validator) {
  return "verdict/" + request_id + "/" + validator;
}

std::string receipt_op_id(const completion_receipt& receipt) {
  return worker_payment_op_id("receipt", receipt.request_id, receipt.worker_id);
}

std::vector<std::string> trace_op_ids(const trace_report& trace) {
  std::vector<std::string> op_ids = {"escrow/" + trace.request_id, "refund/" + trace.request_id};
  for (const auto& r : trace.receipts) op_ids.push_back(receipt_op_id(r));
  for (const auto& segment : trace.segments) op_ids.push_back(segment.claim.op_id);  // its partial settlement
  for (const auto& v : trace.verdicts) op_ids.push_back(verdict_op_id(trace.request_id, v.validator));
  return op_ids;
}

refund_request refund_for(const std::string& request_id, std::string reason) {
  constexpr std::size_t reason_bytes_max = 200;
  if (reason.size() > reason_bytes_max) reason.resize(reason_bytes_max);
  return refund_request{"refund/" + request_id, request_id, std::move(reason)};
}

}  // namespace infergrid
