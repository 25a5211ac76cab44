#include "runtime/refusal_answer.hpp"

#include <string>

#include "messages/body.hpp"
#include "messages/system.hpp"

namespace infergrid {

bool answers_refusal(const envelope& refused, const error& why) {
  return (why.code == error_code::permission_denied || why.code == error_code::not_found) && refused.signature.has_value() &&
         refused.type != message_type::error_reply;
}

envelope refusal_answer(const envelope& refused, const error& why, std::string_view node_name, std::uint64_t message_id,
                        std::int64_t now_ms) {
  envelope out;
  out.type = error_reply::id;
  out.message_version = error_reply::version;
  out.message_id = message_id;
  out.correlation_id = refused.message_id;
  out.sender = std::string(node_name) + "/" + std::string(refusal_answerer);
  out.recipient = refused.sender;
  out.sent_at_ms = now_ms;
  out.deadline_ms = refused.deadline_ms;
  out.body = encode_body(error_reply{static_cast<std::uint16_t>(why.code),
                                     "refused by node " + std::string(node_name) + ": " + why.message});
  return out;
}

}  // namespace infergrid
