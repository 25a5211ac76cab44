#include "runtime/key_file_kind.hpp"

#include <sys/stat.h>

#include <fstream>
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

struct key_file_lines {
  bool marked_secret = false;  // the first line is secret_key_header …
  std::string key;             // the first line that is no comment ('#'), trailing blanks cut
};

result<key_file_lines> read_lines(const std::string& path) {
  std::ifstream file(path);
  if (!file) return make_error(error_code::not_found, "cannot read key file " + path);
  key_file_lines out;
  std::string line;
  for (int read = 0; read < 8 && std::getline(file, line); ++read) {  // a key file is a few lines
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (read == 0 && line.starts_with(secret_key_header)) out.marked_secret = true;
    if (line.starts_with("#")) continue;
    out.key = line;
    break;
  }
  return out;
}

bool private_to_owner(const std::string& path) {
  struct stat info{};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) == 0;
}

}  // namespace

std::string secret_key_file_text(std::string_view what, std::string_view key) {
  return std::string(secret_key_header) + ": " + std::string(what) + ". Keep it on this host, mode 0600.\n" +
         std::string(key);
}

result<std::string> read_secret_key_line(const std::string& path) {
  auto lines = read_lines(path);
  if (!lines.ok()) return lines.err();
  if (lines->marked_secret) return lines->key;
  IG_TRY(check_key_file_kind(path, key_file_kind::secret));
  if (path.ends_with(".key") || private_to_owner(path)) return lines->key;
  return make_error(error_code::invalid_argument,
                    path + " holds a key without the secret-key header and is readable by other users, as a public "
                           "key file (.pub) is: read as a secret, a public key would give this node's key to anyone "
                           "who holds it. Name the secret key file `infergrid keygen` wrote (signing.key, "
                           "transport.key); if " + path + " is a secret, `chmod 600 " + path + "`");
}

result<std::string> read_public_key_line(const std::string& path) {
  IG_TRY(check_key_file_kind(path, key_file_kind::public_key));
  auto lines = read_lines(path);
  if (!lines.ok()) return lines.err();
  if (lines->marked_secret) {
    return make_error(error_code::invalid_argument,
                      path + " is a secret key file (its header says so), not a public key: name the .pub file "
                             "`infergrid keygen` wrote beside it (secrets never leave their host)");
  }
  return lines->key;
}

status check_key_file_kind(std::string_view path, key_file_kind wanted) {
  for (const auto& row : suffixes) {
    if (!path.ends_with(row.suffix) || row.kind == wanted) continue;
    return make_error(error_code::invalid_argument,
                      std::string(path) + " is " + std::string(row.holds) + ": " + std::string(row.use_instead));
  }
  return {};
}

}  // namespace infergrid
