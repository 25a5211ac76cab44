#include "actors/http_bridge/model_catalog.hpp"

namespace infergrid::http {

void model_catalog::update(std::vector<served_model> models) {
  std::lock_guard lock(mutex_);
  models_ = std::move(models);
  known_ = true;
}

std::vector<served_model> model_catalog::models() const {
  std::lock_guard lock(mutex_);
  return models_;
}

bool model_catalog::known() const {
  std::lock_guard lock(mutex_);
  return known_;
}

bool model_catalog::serves(const std::string& model) const {
  std::lock_guard lock(mutex_);
  for (const auto& m : models_) {
    if (m.id == model && m.workers > 0) return true;
  }
  return false;
}

chat_template_family model_catalog::template_for(const std::string& model) const {
  auto it = families_.find(model);
  return it == families_.end() ? chat_template_family::plain : it->second;
}

}  // namespace infergrid::http
