#include "actors/gpu_worker/worker_pricing.hpp"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "runtime/yaml_duplicate_keys.hpp"

namespace infergrid::gpu_worker {
namespace {

result<ask_pair> read_asks_file(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    IG_TRY(reject_duplicate_keys(root, path));
    if (!root.IsMap()) return make_error(error_code::invalid_argument, path + ": expected a mapping of price_prompt_micro and price_completion_micro");
    const settings file(root, path, "");
    IG_TRY(file.reject_unknown_keys({"price_prompt_micro", "price_completion_micro"}));
    auto prompt = file.require<std::uint64_t>("price_prompt_micro");
    if (!prompt) return prompt.err();
    auto completion = file.require<std::uint64_t>("price_completion_micro");
    if (!completion) return completion.err();
    return ask_pair{*prompt, *completion};
  } catch (const YAML::Exception& e) {
    return make_error(error_code::invalid_argument, path + ": " + e.what());
  }
}

}  // namespace

result<pricing_config> read_pricing_config(const settings& config) {
  pricing_config out;
  const bool priced = config.has("price_prompt_micro") || config.has("price_completion_micro");
  std::string mode = priced ? "fixed" : "utilisation";
  IG_TRY(read_setting(config, "pricing", mode));
  if (mode == "fixed") {
    out.mode = pricing_mode::fixed;
  } else if (mode == "utilisation") {
    out.mode = pricing_mode::utilisation;
  } else {
    return make_error(error_code::invalid_argument, config.where("pricing") + ": expected fixed or utilisation, not '" + mode + "'");
  }
  IG_TRY(read_setting(config, "price_prompt_micro", out.price_prompt_micro));
  IG_TRY(read_setting(config, "price_completion_micro", out.price_completion_micro));
  IG_TRY(read_setting(config, "price_floor_prompt_micro", out.prompt_bounds.floor_micro));
  IG_TRY(read_setting(config, "price_ceiling_prompt_micro", out.prompt_bounds.ceiling_micro));
  IG_TRY(read_setting(config, "price_floor_completion_micro", out.completion_bounds.floor_micro));
  IG_TRY(read_setting(config, "price_ceiling_completion_micro", out.completion_bounds.ceiling_micro));
  if (auto bad = market::validate_ask_bounds(out.prompt_bounds, "price_ceiling_prompt_micro"); !bad.ok()) {
    return make_error(bad.err().code, config.where("price_ceiling_prompt_micro") + ": " + bad.err().message);
  }
  if (auto bad = market::validate_ask_bounds(out.completion_bounds, "price_ceiling_completion_micro"); !bad.ok()) {
    return make_error(bad.err().code, config.where("price_ceiling_completion_micro") + ": " + bad.err().message);
  }
  IG_TRY(read_setting(config, "asks_file", out.asks_file));
  return out;
}

worker_pricing::worker_pricing(pricing_config config) : config_(std::move(config)) {}

void worker_pricing::reload_asks_file(const std::function<void(const std::string&)>& warn) {
  // file_watch reports a file coming back, not its going: that is looked for here.
  std::error_code missing;
  if (!std::filesystem::exists(config_.asks_file, missing)) {
    if (file_asks_valid_) warn(config_.asks_file + ": gone; back to the configured pricing");
    file_asks_valid_ = false;
    return;
  }
  if (!watch_) {
    watch_.emplace(config_.asks_file);  // first sight: read the file as it is now
  } else if (!watch_->changed()) {
    return;
  }
  auto asks = read_asks_file(config_.asks_file);
  if (!asks.ok()) return warn(asks.err().message + " (the asks in force stay)");
  file_asks_ = *asks;
  file_asks_valid_ = true;
}

ask_pair worker_pricing::current(std::uint32_t running, std::uint32_t queued, std::uint32_t slots,
                                 const std::function<void(const std::string&)>& warn) {
  if (!config_.asks_file.empty()) {
    reload_asks_file(warn);
    if (file_asks_valid_) return file_asks_;
  }
  if (config_.mode == pricing_mode::fixed) return {config_.price_prompt_micro, config_.price_completion_micro};
  const std::uint32_t busy = market::busy_permille(running, queued, slots);
  return {market::utilisation_ask_micro(config_.prompt_bounds, busy),
          market::utilisation_ask_micro(config_.completion_bounds, busy)};
}

}  // namespace infergrid::gpu_worker
