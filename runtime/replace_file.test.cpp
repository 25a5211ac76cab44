// replace_file on real files: the new content replaces the old whole, with the mode asked for whatever
// the umask, and leaves no temporary file; a step that fails is an io_error naming the file and the
// system's reason, and leaves the old content and no temporary file. (That the folder is fsynced after
// the rename — so a machine crash cannot bring the old file back — needs a crash to observe.)
#include "runtime/replace_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/file_text.hpp"
#include "tests/support/temp_dir.hpp"

namespace infergrid {
namespace {

struct replace_file_test : ::testing::Test {
  testing::temp_dir dir{"replace-file"};
  std::string path = dir.file("state.yaml");
  static mode_t mode_of(const std::string& file) {
    struct stat info {};
    EXPECT_EQ(::stat(file.c_str(), &info), 0);
    return info.st_mode & 07777;
  }
};

TEST_F(replace_file_test, the_new_content_replaces_the_old_whole_with_the_mode_asked_and_no_temporary_left) {
  ASSERT_TRUE(replace_file(path, "old: 1\nlonger: than the new\n").ok());
  const mode_t umask_before = ::umask(0077);
  const auto replaced = replace_file(path, "new: 2\n", 0640);
  ::umask(umask_before);
  ASSERT_TRUE(replaced.ok()) << replaced.err().message;
  EXPECT_EQ(testing::file_text(path), "new: 2\n");
  EXPECT_EQ(mode_of(path), 0640u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(replace_file_test, a_rename_that_fails_names_the_file_and_the_reason_and_keeps_the_old) {
  std::filesystem::create_directories(path);  // a non-empty folder where the file goes: rename(2) refuses
  std::ofstream(path + "/inside") << "kept\n";
  const auto replaced = replace_file(path, "new\n");
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.err().code, error_code::io_error);
  EXPECT_NE(replaced.err().message.find("cannot replace " + path + ": "), std::string::npos) << replaced.err().message;
  EXPECT_NE(replaced.err().message.find("directory"), std::string::npos) << replaced.err().message;
  EXPECT_EQ(testing::file_text(path + "/inside"), "kept\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(replace_file_test, a_folder_that_does_not_exist_names_the_file_and_the_reason) {
  const std::string missing = dir.file("no-such-folder/state.yaml");
  const auto replaced = replace_file(missing, "new\n");
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.err().code, error_code::io_error);
  EXPECT_NE(replaced.err().message.find(missing + ".tmp: No such file or directory"), std::string::npos)
      << replaced.err().message;
}

}  // namespace
}  // namespace infergrid
