#include "actors/http_bridge/api_key_file.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "actors/http_bridge/account_book.hpp"
#include "runtime/log_escape.hpp"
#include "runtime/replace_file.hpp"

namespace infergrid::http {
namespace {

constexpr std::string_view section_header = "api_keys:";

result<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream file(path);
  if (!file) return make_error(error_code::not_found, "cannot open the API keys file " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

// The `api_keys:` line, or lines.size() when the file has none. Refuses a section that is not the
// file's last top-level key, or that is written in another form than the one this tool writes.
result<std::size_t> section_start(const std::vector<std::string>& lines, const std::string& path) {
  std::size_t start = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind(section_header, 0) == 0) {
      const std::string rest = line.substr(section_header.size());
      if (rest.find_first_not_of(' ') != std::string::npos && rest[rest.find_first_not_of(' ')] != '#') {
        return make_error(error_code::unsupported, path + ":" + std::to_string(i + 1) +
                                                       ": write api_keys as a block list (one '- {id: …}' per line)");
      }
      start = i;
    } else if (start < lines.size() && !line.empty() && line[0] != ' ' && line[0] != '#') {
      return make_error(error_code::unsupported, path + ":" + std::to_string(i + 1) +
                                                     ": api_keys must be the last section of the keys file");
    }
  }
  return start;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

// Checks the new text as the bridge will read it, then swaps it in, keeping the file's mode.
status replace_keys_file(const std::string& path, const std::string& text) {
  auto check = account_book::parse(text, path);
  if (!check.ok()) return make_error(check.err().code, "the edited keys file would not load: " + check.err().message);
  struct stat info {};
  const mode_t mode = ::stat(path.c_str(), &info) == 0 ? (info.st_mode & 07777) : 0600;
  return replace_file(path, text, mode);
}

// What an account name may not hold, and how the refusal names it: it is one word in the keys file
// (a YAML flow mapping), the ledger and the access log. The first row that matches is named.
struct refused_in_account {
  bool (*holds)(char);
  const char* what;
};

constexpr refused_in_account refused_characters[] = {
    {[](char c) { return is_control_character(c); }, "a control character"},
    {[](char c) { return c == ' '; }, "a space"},
    {[](char c) { return std::string_view("\"\\{},").find(c) != std::string_view::npos; }, "any of \" \\ { } ,"},
};

status check_account_name(const std::string& account) {
  if (account.empty()) return make_error(error_code::invalid_argument, "an account name may not be empty");
  for (const auto& row : refused_characters) {
    if (std::none_of(account.begin(), account.end(), row.holds)) continue;
    return make_error(error_code::invalid_argument, "account '" + escape_control_characters(account) +
                                                        "': an account name may not hold " + row.what +
                                                        " (it is one word in the keys file, the ledger and the access log)");
  }
  return {};
}

}  // namespace

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

result<new_api_key> add_api_key(const std::string& path, const std::string& account, const std::string& created) {
  IG_TRY(check_account_name(account));
  auto lines = read_lines(path);
  if (!lines.ok()) return lines.err();
  auto start = section_start(*lines, path);
  if (!start.ok()) return start.err();
  if (*start == lines->size()) lines->push_back(std::string(section_header) + "   # made by `infergrid keys create`");
  const new_api_key made = make_api_key();
  lines->push_back("  - " + api_key_record_line({made.id, account, made.hash_hex, created, ""}));
  IG_TRY(replace_keys_file(path, joined(*lines)));
  return made;
}

result<api_key_record> revoke_api_key(const std::string& path, const std::string& id, const std::string& when) {
  auto lines = read_lines(path);
  if (!lines.ok()) return lines.err();
  auto start = section_start(*lines, path);
  if (!start.ok()) return start.err();
  const std::string marker = "- {id: " + id + ",";
  for (std::size_t i = *start; i < lines->size(); ++i) {
    std::string& line = (*lines)[i];
    const auto at = line.find(marker);
    if (at == std::string::npos || line.find_first_not_of(' ') != at) continue;
    const std::string where = path + ":" + std::to_string(i + 1);
    result<std::vector<api_key_record>> records = make_error(error_code::malformed_input, where + ": unreadable");
    try {
      records = parse_api_key_list(YAML::Load("[" + line.substr(at + 2) + "]"), path);
    } catch (const YAML::Exception& e) {
      return make_error(error_code::malformed_input, where + ": " + e.msg);
    }
    if (!records.ok() || records->size() != 1) return make_error(error_code::malformed_input, where + ": cannot read this key");
    api_key_record record = records->front();
    if (!record.revoked.empty()) {
      return make_error(error_code::conflict, "key " + id + " was already revoked at " + record.revoked);
    }
    record.revoked = when;
    line = line.substr(0, at) + "- " + api_key_record_line(record);
    IG_TRY(replace_keys_file(path, joined(*lines)));
    return record;
  }
  return make_error(error_code::not_found, "no key '" + id + "' in the api_keys of " + path);
}

}  // namespace infergrid::http
