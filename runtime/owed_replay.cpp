#include "runtime/owed_replay.hpp"

#include <fmt/format.h>

namespace infergrid {

std::vector<std::string> replay_owed(owed_journal& journal, const std::vector<owed_replay_row>& rows) {
  std::vector<std::string> dropped;
  for (const owed_request& r : journal.owed()) {
    status resent = make_error(error_code::unsupported, fmt::format("it is of kind {}, which is never owed", r.kind));
    for (const owed_replay_row& row : rows) {
      if (row.kind == r.kind) resent = row.resend(r);
    }
    if (resent.ok()) continue;
    dropped.push_back(fmt::format("owed journal {}: entry {} for {} dropped: {}", journal.path(), r.id, r.key,
                                  resent.err().message));
    (void)journal.answered(r.id);
  }
  return dropped;
}

}  // namespace infergrid
