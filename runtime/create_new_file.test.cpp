// create_new_file on real files: a new file gets the whole text and the mode asked, whatever the
// umask; an existing file is never replaced (`conflict`, its content kept); of several processes
// creating one path at once exactly one wins and the file holds its text whole; no temporary file is
// left. (That the file and its folder are fsynced — so a machine crash keeps the new file — needs a
// crash to observe.)
#include "runtime/create_new_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/support/processes_at_once.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/temp_dir.hpp"

namespace infergrid {
namespace {

struct create_new_file_test : ::testing::Test {
  testing::temp_dir dir{"create-new-file"};
  std::string path = dir.file("signing.key");
  std::size_t files_in_folder() const {
    const auto folder = std::filesystem::path(path).parent_path();
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder), {}));
  }
};

TEST_F(create_new_file_test, a_new_file_gets_the_whole_text_and_the_mode_asked_and_no_temporary_is_left) {
  const mode_t umask_before = ::umask(0077);
  const auto created = create_new_file(path, "seed\n", 0644);
  ::umask(umask_before);
  ASSERT_TRUE(created.ok()) << created.err().message;
  EXPECT_EQ(testing::file_text(path), "seed\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
  EXPECT_EQ(files_in_folder(), 1u);
}

TEST_F(create_new_file_test, an_existing_file_is_never_replaced_and_the_refusal_is_a_conflict) {
  std::ofstream(path) << "the key already there\n";
  const auto created = create_new_file(path, "another key\n");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.err().code, error_code::conflict);
  EXPECT_NE(created.err().message.find(path + " already exists"), std::string::npos) << created.err().message;
  EXPECT_EQ(testing::file_text(path), "the key already there\n");
  EXPECT_EQ(files_in_folder(), 1u);
}

TEST_F(create_new_file_test, a_folder_that_does_not_exist_names_the_file_and_the_reason) {
  const std::string missing = dir.file("no-such-folder/signing.key");
  const auto created = create_new_file(missing, "seed\n");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.err().code, error_code::io_error);
  EXPECT_NE(created.err().message.find(missing), std::string::npos) << created.err().message;
  EXPECT_NE(created.err().message.find("No such file or directory"), std::string::npos) << created.err().message;
}

TEST_F(create_new_file_test, of_several_processes_creating_one_path_at_once_exactly_one_wins_and_its_text_is_whole) {
  const std::string long_text(64 * 1024, 'k');  // more than one write's worth: a loser must never see half
  const auto said = testing::processes_at_once(8, [&] {
    const std::string mine = std::to_string(::getpid()) + "\n" + long_text;
    const auto created = create_new_file(path, mine);
    if (created.ok()) return "won " + mine;
    if (created.err().code != error_code::conflict) return "error " + created.err().message;
    const std::string there = testing::file_text(path);  // the winner's, already whole
    return there.size() > long_text.size() ? std::string("lost") : "saw " + std::to_string(there.size()) + " bytes";
  });
  ASSERT_EQ(said.size(), 8u);
  EXPECT_EQ(std::count(said.begin(), said.end(), "lost"), 7) << said[0].substr(0, 80);
  const auto winner = std::find_if(said.begin(), said.end(), [](const std::string& s) { return s.rfind("won ", 0) == 0; });
  ASSERT_NE(winner, said.end());
  EXPECT_EQ(testing::file_text(path), winner->substr(4));
  EXPECT_EQ(files_in_folder(), 1u);
}

}  // namespace
}  // namespace infergrid
