#pragma once
// input_path: where a setting that names a file to read points (an actor's `model_path`, the HTTP
// bridge's `keys_file`). A relative path is looked up from the working directory, then from each
// folder above the config file, so deploy/all-in-one.yaml finds deploy/models/... and
// deploy/api-keys.yaml from anywhere (`infergrid up` run outside the repo falls back to that
// config). Files an actor creates (a ledger, key files) stay relative to the working directory.
#include <string>

namespace infergrid {

std::string resolve_input_path(const std::string& path, const std::string& config_source);

}  // namespace infergrid
