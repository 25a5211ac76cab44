#include "actors/http_bridge/dashboard_cache.hpp"

#include <algorithm>
#include <cassert>
#include <exception>

#include <fmt/format.h>

namespace infergrid::http {

std::shared_ptr<const built_answer> dashboard_cache::answer(const std::string& key,
                                                            const std::function<built_answer()>& build) {
  answer_promise promise;
  bool kept = false;
  {
    std::unique_lock lock(mutex_);
    const auto now = now_();
    if (auto found = slots_.find(key); found != slots_.end()) {
      if (!found->second.built || now < found->second.expires) {
        ++counts_.shared;
        const pending waiting = found->second.answer;
        lock.unlock();
        return waiting.get();  // rethrows what the build threw
      }
      slots_.erase(found);
    }
    ++counts_.builds;
    kept = make_room(now);
    if (kept) slots_.emplace(key, slot{promise.get_future().share()});
  }
  return build_here(key, kept, promise, build);
}

std::shared_ptr<const built_answer> dashboard_cache::build_here(const std::string& key, bool kept, answer_promise& promise,
                                                                const std::function<built_answer()>& build) {
  std::shared_ptr<const built_answer> built;
  try {
    built_answer fresh = build();
    fresh.built_at = now_();
    built = std::make_shared<const built_answer>(std::move(fresh));
  } catch (...) {
    promise.set_exception(std::current_exception());
    if (kept) {
      std::lock_guard lock(mutex_);
      slots_.erase(key);
    }
    throw;
  }
  promise.set_value(built);
  if (!kept) return built;
  std::lock_guard lock(mutex_);
  const auto found = slots_.find(key);
  assert(found != slots_.end() && !found->second.built);  // only its builder removes a slot in flight
  if (built->status == 200 && fresh_for_.count() > 0) {
    found->second.built = true;
    found->second.expires = now_() + fresh_for_;
  } else {
    slots_.erase(found);
  }
  return built;
}

bool dashboard_cache::make_room(clock::time_point now) {
  if (slots_.size() < keys_max) return true;
  std::erase_if(slots_, [now](const auto& kv) { return kv.second.built && kv.second.expires <= now; });
  return slots_.size() < keys_max;
}

dashboard_cache_counts dashboard_cache::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void render_dashboard_cache_metrics(std::string& out, const dashboard_cache_counts& counts) {
  out += "# HELP infergrid_dashboard_answers_total Dashboard JSON answers, built or shared with other readers.\n";
  out += "# TYPE infergrid_dashboard_answers_total counter\n";
  out += fmt::format("infergrid_dashboard_answers_total{{how=\"built\"}} {}\n", counts.builds);
  out += fmt::format("infergrid_dashboard_answers_total{{how=\"shared\"}} {}\n", counts.shared);
}

void write_answer(httplib::Response& res, const built_answer& answer, dashboard_cache::clock::time_point now) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - answer.built_at);
  res.set_header("X-Answer-Age-Ms", std::to_string(std::max<std::int64_t>(0, age.count())));
  res.body = answer.body;
}

built_answer answer_of(const httplib::Response& res) { return {res.status, res.headers, res.body, {}}; }

}  // namespace infergrid::http
