#include "runtime/key_file_kind.hpp"

#include <string>

namespace infergrid {
namespace {

struct key_file_suffix {
  std::string_view suffix;
  key_file_kind kind;
  std::string_view holds;        // what a file of this name is
  std::string_view use_instead;  // what to name when the other half was wanted
};

constexpr key_file_suffix suffixes[] = {
    {".key", key_file_kind::secret, "a secret key file (.key), not a public key",
     "name the .pub file `infergrid keygen` wrote beside it (secrets never leave their host)"},
    {".pub", key_file_kind::public_key, "a public key file (.pub), not a secret key",
     "name the .key file `infergrid keygen` wrote beside it (used as a secret, a public key would give this "
     "node's key to anyone who holds the .pub)"},
};

}  // namespace

status check_key_file_kind(std::string_view path, key_file_kind wanted) {
  for (const auto& row : suffixes) {
    if (!path.ends_with(row.suffix) || row.kind == wanted) continue;
    return make_error(error_code::invalid_argument,
                      std::string(path) + " is " + std::string(row.holds) + ": " + std::string(row.use_instead));
  }
  return {};
}

}  // namespace infergrid
