// dashboard_cache: one build shared by concurrent readers, kept answers expire (and say their age),
// errors and exceptions are not kept, the number of kept answers is bounded.
#include "actors/http_bridge/dashboard_cache.hpp"

#include <atomic>
#include <condition_variable>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

using namespace std::chrono_literals;

struct test_clock {
  dashboard_cache::clock::time_point now{};
  dashboard_cache::time_source source() {
    return [this] { return now; };
  }
};

built_answer ok(const std::string& body) { return {200, {{"Content-Type", "application/json"}}, body}; }

TEST(DashboardCache, ConcurrentReadersShareOneBuild) {
  dashboard_cache cache(1000ms);
  constexpr int readers = 16;
  std::mutex mutex;
  std::condition_variable released;
  bool open = false;
  std::atomic<int> builds{0};
  auto build = [&] {
    ++builds;
    std::unique_lock lock(mutex);
    released.wait(lock, [&] { return open; });  // held until every other reader is waiting on it
    return ok("{\"n\":1}");
  };
  std::vector<std::shared_ptr<const built_answer>> got(readers);
  std::vector<std::thread> threads;
  for (int i = 0; i < readers; ++i) threads.emplace_back([&, i] { got[i] = cache.answer("network", build); });
  for (int spins = 0; cache.counts().shared < readers - 1 && spins < 10000; ++spins) std::this_thread::sleep_for(1ms);
  {
    std::lock_guard lock(mutex);
    open = true;
  }
  released.notify_all();
  for (auto& t : threads) t.join();
  EXPECT_EQ(builds.load(), 1);
  EXPECT_EQ(cache.counts().builds, 1u);
  EXPECT_EQ(cache.counts().shared, static_cast<std::uint64_t>(readers - 1));
  for (const auto& answer : got) EXPECT_EQ(answer.get(), got[0].get());
  EXPECT_EQ(got[0]->body, "{\"n\":1}");
}

TEST(DashboardCache, KeptUntilFreshForThenBuiltAgain) {
  test_clock clock;
  dashboard_cache cache(1000ms, clock.source());
  int builds = 0;
  auto build = [&] { return ok(std::to_string(++builds)); };
  EXPECT_EQ(cache.answer("jobs", build)->body, "1");
  clock.now += 999ms;
  httplib::Response res;
  write_answer(res, *cache.answer("jobs", build), clock.now);
  EXPECT_EQ(res.body, "1");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res.get_header_value("X-Answer-Age-Ms"), "999");
  EXPECT_EQ(cache.answer("series?seconds=60", build)->body, "2");  // another key, its own answer
  clock.now += 1ms;
  EXPECT_EQ(cache.answer("jobs", build)->body, "3");
  EXPECT_EQ(cache.counts().builds, 3u);
  EXPECT_EQ(cache.counts().shared, 1u);
}

TEST(DashboardCache, ZeroFreshForKeepsNothing) {
  dashboard_cache cache(0ms);
  int builds = 0;
  auto build = [&] { return ok(std::to_string(++builds)); };
  EXPECT_EQ(cache.answer("keys", build)->body, "1");
  EXPECT_EQ(cache.answer("keys", build)->body, "2");
}

TEST(DashboardCache, ErrorsAndExceptionsAreNotKept) {
  dashboard_cache cache(1000ms);
  int builds = 0;
  auto timed_out = [&] { return built_answer{504, {}, std::to_string(++builds)}; };
  EXPECT_EQ(cache.answer("job/a", timed_out)->status, 504);
  EXPECT_EQ(cache.answer("job/a", timed_out)->body, "2");
  auto throws = [&]() -> built_answer { throw std::runtime_error("build failed"); };
  EXPECT_THROW(cache.answer("job/b", throws), std::runtime_error);
  EXPECT_EQ(cache.answer("job/b", [] { return ok("found"); })->body, "found");
}

TEST(DashboardCache, KeepsAtMostKeysMax) {
  test_clock clock;
  dashboard_cache cache(1000ms, clock.source());
  int builds = 0;
  auto build = [&] { return ok(std::to_string(++builds)); };
  for (std::size_t i = 0; i < dashboard_cache::keys_max; ++i) cache.answer("job/" + std::to_string(i), build);
  const std::string one_more = "job/extra";
  EXPECT_EQ(cache.answer(one_more, build)->body, std::to_string(dashboard_cache::keys_max + 1));
  EXPECT_EQ(cache.answer(one_more, build)->body, std::to_string(dashboard_cache::keys_max + 2));  // served, not kept
  EXPECT_EQ(cache.answer("job/0", build)->body, "1");  // the kept ones still are
  clock.now += 1000ms;  // all expired: room again
  const std::string kept_now = cache.answer(one_more, build)->body;
  EXPECT_EQ(cache.answer(one_more, build)->body, kept_now);
}

}  // namespace
}  // namespace infergrid::http
