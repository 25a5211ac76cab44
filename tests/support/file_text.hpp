#pragma once
// file_text: a test's read of a whole file as text ("" when it cannot be read), for asserting what a
// writer left on disk.
#include <fstream>
#include <sstream>
#include <string>

namespace infergrid::testing {

inline std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace infergrid::testing
