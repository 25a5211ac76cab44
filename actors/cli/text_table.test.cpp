#include "actors/cli/text_table.hpp"

#include <gtest/gtest.h>

#include "runtime/utf8_characters.hpp"

namespace infergrid::cli {
namespace {

TEST(text_table, each_column_is_as_wide_as_its_widest_cell_or_header) {
  text_table table({{"recent job"}, {"model"}, {"tokens", align::right}});
  table.add_row({"local/gateway#15b2383c7bf4e5092a99b063d8f42160", "stories260k", "2+4"});
  table.add_row({"chatcmpl-1", "qwen2.5-0.5b-instruct-q4_k_m", "17+8"});
  EXPECT_EQ(table.render(),
            "recent job                                      model                         tokens\n"
            "local/gateway#15b2383c7bf4e5092a99b063d8f42160  stories260k                      2+4\n"
            "chatcmpl-1                                      qwen2.5-0.5b-instruct-q4_k_m    17+8\n");
}

TEST(text_table, multibyte_characters_count_once_and_lines_have_no_trailing_spaces) {
  text_table table({{"worker"}, {"rep.", align::right}, {"note"}});
  table.add_row({"63fb5c4d49932d…", "833‰", ""});
  table.add_row({"a", "5‰"});  // a missing trailing cell is empty
  EXPECT_EQ(table.render(),
            "worker           rep.  note\n"
            "63fb5c4d49932d…  833‰\n"
            "a                  5‰\n");
  EXPECT_EQ(utf8_characters("63fb5c4d49932d…"), 15u);
}

}  // namespace
}  // namespace infergrid::cli
