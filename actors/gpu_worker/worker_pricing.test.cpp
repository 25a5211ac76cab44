// worker_pricing: fixed asks, the utilisation policy by default, and an asks file re-read while
// serving (a bad one keeps the asks in force and says why).
#include "actors/gpu_worker/worker_pricing.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace infergrid::gpu_worker {
namespace {

settings parse(const std::string& yaml) { return settings(YAML::Load(yaml), "test.yaml", "settings"); }

void write_file(const std::filesystem::path& path, const std::string& text) {
  // A distinct modification time per write (the file system's clock may be coarse).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(path) << text;
  std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + std::chrono::seconds(1));
}

TEST(worker_pricing, a_worker_that_names_no_price_follows_utilisation_and_one_that_does_is_fixed) {
  auto automatic = read_pricing_config(parse("{model_path: x}"));
  ASSERT_TRUE(automatic.ok());
  worker_pricing pricing(*automatic);
  const auto quiet = [](const std::string&) {};
  EXPECT_EQ(pricing.current(0, 0, 4, quiet), (ask_pair{100, 200}));
  EXPECT_EQ(pricing.current(4, 0, 4, quiet), (ask_pair{250, 500}));
  EXPECT_EQ(pricing.current(4, 9, 4, quiet), (ask_pair{400, 800}));
  auto fixed = read_pricing_config(parse("{price_completion_micro: 300}"));
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(worker_pricing(*fixed).current(4, 9, 4, quiet), (ask_pair{100, 300}));
  auto bounded = read_pricing_config(parse("{pricing: utilisation, price_floor_completion_micro: 50, price_ceiling_completion_micro: 60}"));
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(worker_pricing(*bounded).current(4, 4, 4, quiet).completion_micro, 60u);
}

TEST(worker_pricing, bad_settings_are_refused_by_name) {
  auto bad_mode = read_pricing_config(parse("{pricing: auction}"));
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.err().message.find("pricing: expected fixed or utilisation"), std::string::npos) << bad_mode.err().message;
  auto inverted = read_pricing_config(parse("{price_floor_prompt_micro: 500, price_ceiling_prompt_micro: 400}"));
  ASSERT_FALSE(inverted.ok());
  EXPECT_NE(inverted.err().message.find("price_ceiling_prompt_micro"), std::string::npos) << inverted.err().message;
}

// An asks file with a price twice is refused with its line (yaml-cpp kept the first silently): the
// asks in force stay, and the warning says which line to fix.
TEST(worker_pricing, an_asks_file_with_a_duplicate_key_is_refused_with_its_line) {
  const auto dir = std::filesystem::temp_directory_path() / ("asks-dup-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "asks.yaml";
  write_file(path, "price_prompt_micro: 40\nprice_completion_micro: 90\nprice_prompt_micro: 4000\n");
  auto config = read_pricing_config(parse("{price_prompt_micro: 100, price_completion_micro: 200, asks_file: " + path.string() + "}"));
  ASSERT_TRUE(config.ok());
  worker_pricing pricing(*config);
  std::vector<std::string> warnings;
  EXPECT_EQ(pricing.current(0, 0, 4, [&](const std::string& line) { warnings.push_back(line); }), (ask_pair{100, 200}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(path.string() + ":3: price_prompt_micro: duplicate key (first at line 1)"), std::string::npos)
      << warnings[0];
  std::filesystem::remove_all(dir);
}

// An asks file with a key it does not know (a misspelling, or a worker setting such as a price floor,
// which only the config sets) is refused naming the key, its line and the keys it takes — before, the
// file was used and the key did nothing. The asks in force stay.
TEST(worker_pricing, an_asks_file_with_an_unknown_key_is_refused_naming_it_and_the_asks_stay) {
  const auto dir = std::filesystem::temp_directory_path() / ("asks-unknown-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "asks.yaml";
  write_file(path, "price_prompt_micro: 40\nprice_completion_micro: 90\n");
  auto config = read_pricing_config(parse("{price_prompt_micro: 100, price_completion_micro: 200, asks_file: " + path.string() + "}"));
  ASSERT_TRUE(config.ok());
  worker_pricing pricing(*config);
  std::vector<std::string> warnings;
  const auto warn = [&](const std::string& line) { warnings.push_back(line); };
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90}));
  write_file(path, "price_prompt_micro: 50\nprice_completion_micro: 95\nprice_floor_prompt_micro: 10\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90})) << "the asks in force stay";
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(path.string() + ":3: price_floor_prompt_micro: unknown key 'price_floor_prompt_micro' "
                             "(expected one of: price_prompt_micro, price_completion_micro) (the asks in force stay)"),
            std::string::npos)
      << warnings[0];
  write_file(path, "price_prompt_micro: 50\nprice_completoin_micro: 95\nprice_completion_micro: 95\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90}));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[1].find(path.string() + ":2: price_completoin_micro: unknown key"), std::string::npos) << warnings[1];
  std::filesystem::remove_all(dir);
}

TEST(worker_pricing, the_asks_file_is_re_read_when_it_changes_and_a_bad_one_keeps_the_asks) {
  const auto dir = std::filesystem::temp_directory_path() / ("asks-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "asks.yaml";
  auto config = read_pricing_config(parse("{price_prompt_micro: 100, price_completion_micro: 200, asks_file: " + path.string() + "}"));
  ASSERT_TRUE(config.ok());
  worker_pricing pricing(*config);
  std::vector<std::string> warnings;
  const auto warn = [&](const std::string& line) { warnings.push_back(line); };
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{100, 200})) << "no file yet: the configured asks";
  write_file(path, "{price_prompt_micro: 40, price_completion_micro: 90}\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90}));
  write_file(path, "{price_prompt_micro: 40}\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90})) << "a bad file keeps the asks in force";
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(path.string() + ":1: missing key 'price_completion_micro'"), std::string::npos) << warnings[0];
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{40, 90}));
  EXPECT_EQ(warnings.size(), 1u) << "reported once per change";
  write_file(path, "{price_prompt_micro: 41, price_completion_micro: 91}\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{41, 91}));
  // Replaced by rename with the same modification time (as an editor or a deploy tool may): seen.
  const auto replacement = dir / "asks.yaml.new";
  std::ofstream(replacement) << "{price_prompt_micro: 42, price_completion_micro: 92}\n";
  std::filesystem::last_write_time(replacement, std::filesystem::last_write_time(path));
  std::filesystem::rename(replacement, path);
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{42, 92})) << "a file replaced by rename is re-read";
  std::filesystem::remove(path);
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{100, 200})) << "file gone: back to the configuration";
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[1].find("gone; back to the configured pricing"), std::string::npos) << warnings[1];
  write_file(path, "{price_prompt_micro: 43, price_completion_micro: 93}\n");
  EXPECT_EQ(pricing.current(0, 0, 4, warn), (ask_pair{43, 93})) << "a file that comes back is read";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace infergrid::gpu_worker
