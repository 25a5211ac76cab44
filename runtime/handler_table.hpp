#pragma once
// handler_table: an actor's behaviour — one typed handler per message type.
//
//   handler_table health_state::handlers() {
//     return {on<ping>([this](const ping& p) -> result<pong> { ... }),              // replies
//             on<health_request>([this](const health_request&, const envelope& e) { ... })};  // no reply
//   }
//
// A handler takes `const T&` (and optionally the `const envelope&` it arrived in) and returns
//   void          — nothing is sent back (it may answer later via ctx.reply_later()/reply()),
//   result<R>     — R becomes the reply envelope; an error becomes an error_reply envelope,
//   status        — only an error is sent back.
// A body that does not decode as T is counted as malformed and answered with an error_reply.
#include <functional>
#include <initializer_list>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/actor_context.hpp"

namespace infergrid {

struct handler_entry {
  message_type type{};
  std::function<void(const envelope&, actor_context&)> invoke;
};

class handler_table {
 public:
  handler_table() = default;
  handler_table(std::initializer_list<handler_entry> entries) : entries_(entries) {}

  void add(handler_entry entry) { entries_.push_back(std::move(entry)); }
  // Handlers are few per actor; a linear scan beats hashing at this size.
  const handler_entry* find(message_type type) const {
    for (const auto& entry : entries_) {
      if (entry.type == type) return &entry;
    }
    return nullptr;
  }
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<handler_entry> entries_;
};

namespace detail {

template <class R>
struct is_result : std::false_type {};
template <class T>
struct is_result<result<T>> : std::true_type {
  using value_type = T;
};

template <class T, class F>
decltype(auto) call_handler(F& f, const T& message, const envelope& in) {
  if constexpr (std::is_invocable_v<F&, const T&, const envelope&>) {
    return f(message, in);
  } else {
    static_assert(std::is_invocable_v<F&, const T&>, "a handler takes (const T&) or (const T&, const envelope&)");
    return f(message);
  }
}

inline reply_token token_for(const envelope& in) { return reply_token{in.sender, in.message_id, in.deadline_ms}; }

}  // namespace detail

template <message T, class F>
handler_entry on(F handler) {
  return handler_entry{T::id, [handler = std::move(handler)](const envelope& in, actor_context& ctx) mutable {
    auto decoded = decode_body<T>(in.body);
    if (!decoded.ok()) {
      ctx.note_malformed(in, decoded.err());
      (void)ctx.reply_error(detail::token_for(in), decoded.err());
      return;
    }
    using returned = decltype(detail::call_handler<T>(handler, *decoded, in));
    if constexpr (std::is_void_v<returned>) {
      detail::call_handler<T>(handler, *decoded, in);
    } else {
      static_assert(detail::is_result<returned>::value, "a handler returns void, status or result<Reply>");
      auto outcome = detail::call_handler<T>(handler, *decoded, in);
      if (!outcome.ok()) {
        ctx.note_error(outcome.err());
        (void)ctx.reply_error(detail::token_for(in), outcome.err());
        return;
      }
      if constexpr (!std::is_void_v<typename detail::is_result<returned>::value_type>) {
        (void)ctx.reply(detail::token_for(in), std::move(outcome).value());
      }
    }
  }};
}

}  // namespace infergrid
