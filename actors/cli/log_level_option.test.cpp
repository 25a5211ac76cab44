// --log-level: a command logs at the level declared where it is added, unless --log-level (or
// INFERGRID_LOG) chooses one; the names are runtime/log_level_name's.
#include "actors/cli/log_level_option.hpp"

#include <gtest/gtest.h>

namespace infergrid::cli {
namespace {

TEST(cli_log_level_option, a_command_logs_at_its_declared_level_unless_one_is_chosen) {
  CLI::App app;
  add_log_level_option(app);
  auto* asking = app.add_subcommand("asking");
  set_default_log_level(*asking, log_level::warn);
  asking->add_subcommand("deeper");  // declares none: its command's level
  app.add_subcommand("serving");     // declares none: info

  set_log_level(log_level::info);
  app.parse(std::vector<std::string>{"deeper", "asking"});  // CLI11 takes the arguments last first
  EXPECT_FALSE(log_enabled(log_level::info));
  EXPECT_TRUE(log_enabled(log_level::warn));

  set_log_level(log_level::info);
  app.clear();
  app.parse(std::vector<std::string>{"serving"});
  EXPECT_TRUE(log_enabled(log_level::info));
  EXPECT_FALSE(log_enabled(log_level::debug));

  app.clear();
  app.parse(std::vector<std::string>{"asking", "debug", "--log-level"});
  EXPECT_TRUE(log_enabled(log_level::debug));

  app.clear();
  EXPECT_THROW(app.parse(std::vector<std::string>{"asking", "loud", "--log-level"}), CLI::ValidationError);
}

}  // namespace
}  // namespace infergrid::cli
