#pragma once
// model_catalog: the models live workers serve, as the matchmaker last reported them, and each
// model's chat template family. The actor thread refreshes it; HTTP threads read it. Thread-safe.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/http_bridge/chat_template.hpp"
#include "actors/http_bridge/openai_response.hpp"

namespace infergrid::http {

class model_catalog {
 public:
  void set_templates(std::map<std::string, chat_template_family> families) { families_ = std::move(families); }
  void update(std::vector<served_model> models);

  std::vector<served_model> models() const;
  // Whether the matchmaker has answered at least once (before that, no model is refused as unknown).
  bool known() const;
  bool serves(const std::string& model) const;
  chat_template_family template_for(const std::string& model) const;

 private:
  mutable std::mutex mutex_;
  std::vector<served_model> models_;
  bool known_ = false;
  std::map<std::string, chat_template_family> families_;  // fixed after start
};

}  // namespace infergrid::http
