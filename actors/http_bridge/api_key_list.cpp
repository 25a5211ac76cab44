#include "actors/http_bridge/api_key_list.hpp"

#include <set>

#include "actors/http_bridge/api_key.hpp"
#include "runtime/settings.hpp"

namespace infergrid::http {
namespace {

error bad_entry(const std::string& source, const YAML::Node& at, const std::string& what) {
  const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
  return make_error(error_code::invalid_argument, source + ":" + std::to_string(line) + ": " + what);
}

std::string text_field(const YAML::Node& entry, const char* name) {
  return entry[name] && entry[name].IsScalar() ? entry[name].as<std::string>() : "";
}

bool is_hash_hex(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

result<std::vector<api_key_record>> parse_api_key_list(const YAML::Node& section, const std::string& source) {
  std::vector<api_key_record> out;
  if (!section || section.IsNull()) return out;
  if (!section.IsSequence()) return bad_entry(source, section, "api_keys: expected a list");
  std::set<std::string> ids, hashes;
  for (std::size_t i = 0; i < section.size(); ++i) {
    const YAML::Node entry = section[i];
    const std::string where = "api_keys[" + std::to_string(i) + "]";
    if (!entry.IsMap()) return bad_entry(source, entry, where + ": expected {id, account, hash, created}");
    IG_TRY(settings(entry, source, where).reject_unknown_keys({"id", "account", "hash", "created", "revoked"}));
    api_key_record record{text_field(entry, "id"), text_field(entry, "account"), text_field(entry, "hash"),
                          text_field(entry, "created"), text_field(entry, "revoked")};
    if (!is_api_key_id(record.id)) return bad_entry(source, entry, where + ".id: expected 8 hex digits");
    if (record.account.empty()) return bad_entry(source, entry, where + ".account: missing");
    if (!is_hash_hex(record.hash_hex)) return bad_entry(source, entry, where + ".hash: expected 64 hex digits");
    if (!ids.insert(record.id).second) return bad_entry(source, entry, where + ".id: duplicate '" + record.id + "'");
    if (!hashes.insert(record.hash_hex).second) return bad_entry(source, entry, where + ".hash: listed twice");
    out.push_back(std::move(record));
  }
  return out;
}

std::string api_key_record_line(const api_key_record& record) {
  std::string line = "{id: " + record.id + ", account: \"" + record.account + "\", hash: " + record.hash_hex +
                     ", created: \"" + record.created + "\"";
  if (!record.revoked.empty()) line += ", revoked: \"" + record.revoked + "\"";
  return line + "}";
}

}  // namespace infergrid::http
