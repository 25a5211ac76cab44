#pragma once
// string_formats: the JSON Schema `format` values OpenAI's strict mode supports, each honoured as a
// predefined pattern (regex_dfa.hpp) of a simple, well-formed shape. What each accepts, exactly:
//   date       YYYY-MM-DD: month 01-12, day 01-31 (not checked against the month)
//   time       hh:mm:ss, optional fraction of 1-9 digits, then Z/z or +hh:mm/-hh:mm; hh 00-23,
//              mm 00-59, ss 00-60 (RFC 3339 full-time)
//   date-time  date, T or t, time (RFC 3339 date-time)
//   duration   ISO 8601 as RFC 3339 appendix A: P then years/months/days (Y M D in that order, each
//              optional after the first, M needs Y or stands first, ...), optionally T with
//              hours/minutes/seconds the same way, or P and weeks (W); digits unbounded, no fractions
//   email      dot-atom local part [A-Za-z0-9!#$%&'*+/=?^_`{|}~-] (dots between runs), @, a hostname
//              of two or more labels; no quoted local parts, no IP literals
//   hostname   labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen,
//              joined by dots (total length not checked)
//   ipv4       four decimal octets 0-255 without leading zeros
//   ipv6       eight groups of 1-4 hex digits, or fewer with one :: (RFC 4291 text form; no
//              embedded IPv4, no zone)
//   uuid       8-4-4-4-12 hex digits, either case (any version)
#include <optional>
#include <string>
#include <string_view>

namespace infergrid::model {

// The pattern a `format` stands for; nullopt: not a supported format.
std::optional<std::string_view> format_pattern(std::string_view format);
// "date-time, date, ..." for error messages.
std::string supported_format_names();

}  // namespace infergrid::model
