#pragma once
// dashboard_cache: built dashboard answers shared by every reader (deploy/readme/dashboard.md,
// "Many readers"). An answer is keyed by its endpoint and query ("network", "series?seconds=300",
// "job/<id>") and served to everyone who asks within `fresh_for` of it being built, so a crowd of
// dashboards costs about what one does. While an answer is being built, readers asking for the same
// key wait for that build instead of starting their own (one bus lookup for a job's detail, not 32).
// Only 200 answers are kept; an error is shared with those who waited for it, then asked again.
// fresh_for 0 keeps nothing but still shares builds in flight. Whoever may read an answer is
// decided before asking (operator endpoints check the key first): a key names the same bytes for
// every caller. At most keys_max answers are kept; when full, expired ones make room, else the new
// answer is served but not kept. Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

namespace infergrid::http {

struct built_answer {
  int status = 0;
  httplib::Headers headers;  // Content-Type, Retry-After
  std::string body;
  std::chrono::steady_clock::time_point built_at{};  // set by the cache
};

struct dashboard_cache_counts {
  std::uint64_t builds = 0;  // answers built (each its JSON and any bus lookups behind it)
  std::uint64_t shared = 0;  // answers served from a kept answer or from a build another reader started
};

class dashboard_cache {
 public:
  static constexpr std::size_t keys_max = 256;
  using clock = std::chrono::steady_clock;

  using time_source = std::function<clock::time_point()>;

  explicit dashboard_cache(std::chrono::milliseconds fresh_for, time_source now = clock::now)
      : fresh_for_(fresh_for), now_(std::move(now)) {}

  // The answer for `key`: a kept one younger than fresh_for, the one being built now, or build()'s.
  std::shared_ptr<const built_answer> answer(const std::string& key, const std::function<built_answer()>& build);
  dashboard_cache_counts counts() const;

 private:
  using pending = std::shared_future<std::shared_ptr<const built_answer>>;
  using answer_promise = std::promise<std::shared_ptr<const built_answer>>;
  struct slot {
    pending answer;
    bool built = false;
    clock::time_point expires{};
  };
  std::shared_ptr<const built_answer> build_here(const std::string& key, bool kept, answer_promise& promise,
                                                 const std::function<built_answer()>& build);
  bool make_room(clock::time_point now);  // with mutex_ held

  const std::chrono::milliseconds fresh_for_;
  const time_source now_;
  mutable std::mutex mutex_;
  std::map<std::string, slot> slots_;
  dashboard_cache_counts counts_;
};

// `GET /metrics`: infergrid_dashboard_answers_total{how="built"|"shared"} (counters).
void render_dashboard_cache_metrics(std::string& out, const dashboard_cache_counts& counts);
// Copies an answer into the response httplib sends, with `X-Answer-Age-Ms`: how long ago it was built.
void write_answer(httplib::Response& res, const built_answer& answer, dashboard_cache::clock::time_point now);
// What a route handler wrote, as an answer to keep.
built_answer answer_of(const httplib::Response& res);

}  // namespace infergrid::http
