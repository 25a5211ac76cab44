#include "kernels/model/string_formats.hpp"

#include <array>

namespace infergrid::model {
namespace {

struct format_row {
  std::string_view name;
  std::string_view pattern;
};

#define IG_DATE "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])"
#define IG_TIME "([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d{1,9})?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)"
#define IG_LABEL "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#define IG_OCTET "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
#define IG_HEX4 "[0-9A-Fa-f]{1,4}"
#define IG_DURATION_TIME "T(\\d+H(\\d+M(\\d+S)?)?|\\d+M(\\d+S)?|\\d+S)"

constexpr std::array<format_row, 9> formats = {{
    {"date-time", "^" IG_DATE "[Tt]" IG_TIME "$"},
    {"date", "^" IG_DATE "$"},
    {"time", "^" IG_TIME "$"},
    {"duration", "^P((\\d+D|\\d+M(\\d+D)?|\\d+Y(\\d+M(\\d+D)?)?)(" IG_DURATION_TIME ")?|" IG_DURATION_TIME "|\\d+W)$"},
    {"email", "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" IG_LABEL "(\\." IG_LABEL ")+$"},
    {"hostname", "^" IG_LABEL "(\\." IG_LABEL ")*$"},
    {"ipv4", "^(" IG_OCTET "\\.){3}" IG_OCTET "$"},
    {"ipv6", "^((" IG_HEX4 ":){7}" IG_HEX4 "|(" IG_HEX4 ":){1,7}:|(" IG_HEX4 ":){1,6}:" IG_HEX4 "|(" IG_HEX4 ":){1,5}(:" IG_HEX4
             "){1,2}|(" IG_HEX4 ":){1,4}(:" IG_HEX4 "){1,3}|(" IG_HEX4 ":){1,3}(:" IG_HEX4 "){1,4}|(" IG_HEX4 ":){1,2}(:" IG_HEX4
             "){1,5}|" IG_HEX4 ":(:" IG_HEX4 "){1,6}|:((:" IG_HEX4 "){1,7}|:))$"},
    {"uuid", "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"},
}};

#undef IG_DATE
#undef IG_TIME
#undef IG_LABEL
#undef IG_OCTET
#undef IG_HEX4
#undef IG_DURATION_TIME

}  // namespace

std::optional<std::string_view> format_pattern(std::string_view format) {
  for (const format_row& row : formats) {
    if (row.name == format) return row.pattern;
  }
  return std::nullopt;
}

std::string supported_format_names() {
  std::string names;
  for (const format_row& row : formats) names += (names.empty() ? "" : ", ") + std::string(row.name);
  return names;
}

}  // namespace infergrid::model
