#pragma once
// job_price: what a worker charges for one job (chunk claims, settle_receipt).
#include <cstdint>

#include <msgpack.hpp>

namespace infergrid {

// A worker's price for one job, per 1k tokens (micro-units): its ask when it accepted the job. Signed
// in its chunk claims and its settlement receipt; settlement pays it, each price capped by the
// request's escrow (deploy/readme/settlement.md, "Prices").
struct job_price {
  std::int64_t prompt_per_1k_micro = 0;
  std::int64_t completion_per_1k_micro = 0;
  MSGPACK_DEFINE(prompt_per_1k_micro, completion_per_1k_micro)
  bool operator==(const job_price&) const = default;
};

}  // namespace infergrid
