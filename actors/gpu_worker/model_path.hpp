#pragma once
// model_path: where an actor's `model_path` setting points. A relative path is looked up from the
// working directory, then from each folder above the config file (so deploy/all-in-one.yaml finds
// deploy/models/... from anywhere).
#include <string>

namespace infergrid::gpu_worker {

std::string resolve_model_path(const std::string& path, const std::string& config_source);

}  // namespace infergrid::gpu_worker
