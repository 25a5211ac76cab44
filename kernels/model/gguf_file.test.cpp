#include "kernels/model/gguf_file.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "kernels/model/gguf_writer.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/reference/quant.hpp"

namespace infergrid::model {
namespace {

using testing_support::stories260k_path;
using testing_support::temp_path;

TEST(gguf_file, opens_stories260k) {
  auto file = gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok()) << file.err().message;
  EXPECT_EQ(file->version(), 3u);
  EXPECT_EQ(file->alignment(), 32u);
  EXPECT_EQ(file->get_string("general.architecture").value(), "llama");
  EXPECT_EQ(file->get_u32("llama.block_count").value(), 5u);
  EXPECT_EQ(file->get_string("tokenizer.ggml.model").value(), "llama");
  const auto tokens = file->get_string_array("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 512u);
  EXPECT_EQ((*tokens)[1], "<s>");
  EXPECT_EQ((*tokens)[3], "<0x00>");
  EXPECT_EQ(file->get_f32_array("tokenizer.ggml.scores").value().size(), 512u);
  EXPECT_EQ(file->get_i32_array("tokenizer.ggml.token_type").value()[3], 6);  // byte token
  // 2 + 9 per layer * 5 + output_norm + output.
  EXPECT_EQ(file->tensors().size(), 2u + 9u * 5u + 1u);
  const gguf_tensor* embd = file->find_tensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->type, ggml_type::f32);
  EXPECT_EQ(embd->dims, (std::vector<std::uint64_t>{64, 512}));
  EXPECT_EQ(embd->n_elements, 64u * 512u);
  EXPECT_EQ(embd->bytes, 64u * 512u * 4u);
  // Data points into the mapping: nothing was copied.
  const auto whole = file->file_bytes();
  EXPECT_GE(embd->data, whole.data());
  EXPECT_LE(embd->data + embd->bytes, whole.data() + whole.size());
  EXPECT_EQ(file->find_tensor("no.such.tensor"), nullptr);
}

TEST(gguf_file, content_hash_is_blake2b_of_the_file_and_pages_can_be_released) {
  auto file = gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  const auto bytes = file->file_bytes();
  const digest expected = hash_bytes({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  EXPECT_EQ(file->content_hash(), expected);
  // Hashing read every page; none stays resident in this process.
  EXPECT_EQ(testing_support::resident_kib_of_mapped_file(stories260k_path()), 0u);
  EXPECT_EQ(&file->content_hash(), &file->content_hash());  // cached
  const gguf_tensor* t = file->find_tensor("output.weight");
  ASSERT_NE(t, nullptr);
  std::vector<std::byte> before(t->data, t->data + t->bytes);
  file->release_resident_pages();
  EXPECT_EQ(std::memcmp(before.data(), t->data, t->bytes), 0);  // pages fault back in from the file
  gguf_file moved = std::move(*file);
  EXPECT_EQ(moved.content_hash(), expected);
}

TEST(gguf_file, missing_file_is_not_found) {
  auto file = gguf_file::open(temp_path("does_not_exist.gguf"));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.err().code, error_code::not_found);
}

TEST(gguf_file, round_trips_every_metadata_type) {
  gguf_writer writer(64);
  writer.set("u8", gguf_value::of_unsigned(gguf_value_type::uint8, 200));
  writer.set("i8", gguf_value::of_signed(gguf_value_type::int8, -100));
  writer.set("u16", gguf_value::of_unsigned(gguf_value_type::uint16, 60000));
  writer.set("i16", gguf_value::of_signed(gguf_value_type::int16, -30000));
  writer.set_u32("u32", 4000000000u);
  writer.set("i32", gguf_value::of_signed(gguf_value_type::int32, -5));
  writer.set_f32("f32", 0.25f);
  writer.set_bool("bool", true);
  writer.set_string("string", "héllo");
  writer.set("u64", gguf_value::of_unsigned(gguf_value_type::uint64, std::uint64_t{1} << 40));
  writer.set("i64", gguf_value::of_signed(gguf_value_type::int64, -(std::int64_t{1} << 40)));
  writer.set("f64", gguf_value::of_float(gguf_value_type::float64, 1.5));
  const std::vector<std::string> strings = {"a", "", "ccc"};
  writer.set_string_array("strings", strings);
  const std::vector<float> floats = {1.0f, -2.5f};
  writer.set_f32_array("floats", floats);
  const std::vector<std::int32_t> ints = {1, -2, 3};
  writer.set_i32_array("ints", ints);
  std::vector<gguf_value> inner = {gguf_value::of_array(gguf_value_type::uint8, {}),
                                   gguf_value::of_array(gguf_value_type::uint8,
                                                        {gguf_value::of_unsigned(gguf_value_type::uint8, 7)})};
  writer.set("nested", gguf_value::of_array(gguf_value_type::array, std::move(inner)));
  const std::string path = temp_path("all_types.gguf");
  ASSERT_TRUE(writer.write(path).ok());

  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  EXPECT_EQ(file->alignment(), 64u);
  EXPECT_EQ(file->get_u32("u8").value(), 200u);          // u8 widens to u32
  EXPECT_EQ(file->get_i32("i8").value(), -100);
  EXPECT_EQ(file->get_u32("u16").value(), 60000u);
  EXPECT_EQ(file->get_i32("i16").value(), -30000);
  EXPECT_EQ(file->get_u64("u32").value(), 4000000000u);
  EXPECT_EQ(file->get_i32("i32").value(), -5);
  EXPECT_EQ(file->get_f32("f32").value(), 0.25f);
  EXPECT_TRUE(file->get_bool("bool").value());
  EXPECT_EQ(file->get_string("string").value(), "héllo");
  EXPECT_EQ(file->get_u64("u64").value(), std::uint64_t{1} << 40);
  EXPECT_EQ(file->get_f32("f64").value(), 1.5f);
  EXPECT_EQ(file->get_string_array("strings").value(), strings);
  EXPECT_EQ(file->get_f32_array("floats").value(), floats);
  EXPECT_EQ(file->get_i32_array("ints").value(), ints);
  const gguf_value* nested = file->find("nested").value();
  ASSERT_EQ(nested->items.size(), 2u);
  EXPECT_EQ(nested->element_type, gguf_value_type::array);
  EXPECT_EQ(nested->items[1].items[0].unsigned_value, 7u);

  // Lossy or wrong-typed coercions are errors naming the key.
  EXPECT_FALSE(file->get_u32("i32").ok());
  EXPECT_NE(file->get_u32("i32").err().message.find("i32"), std::string::npos);
  EXPECT_FALSE(file->get_u32("u64").ok());
  EXPECT_FALSE(file->get_i32("i64").ok());
  EXPECT_FALSE(file->get_u32("string").ok());
  EXPECT_FALSE(file->get_f32("u32").ok());
  EXPECT_FALSE(file->get_string_array("ints").ok());
  EXPECT_EQ(file->get_u32("absent").err().code, error_code::not_found);
}

TEST(gguf_file, round_trips_tensors_of_every_type_aligned) {
  gguf_writer writer;
  std::vector<float> values(64 * 3);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 17) - 8.0f;
  const ggml_type types[] = {ggml_type::f32, ggml_type::f16, ggml_type::q8_0, ggml_type::q4_0};
  for (ggml_type type : types) {
    ASSERT_TRUE(writer.add_tensor(std::string(traits_of(type).name), type, {64, 3}, values).ok());
  }
  ASSERT_TRUE(writer.add_tensor("odd", ggml_type::f32, {3}, std::vector<float>{1, 2, 3}).ok());
  const std::string path = temp_path("tensors.gguf");
  ASSERT_TRUE(writer.write(path).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  ASSERT_EQ(file->tensors().size(), 5u);
  for (ggml_type type : types) {
    const gguf_tensor* t = file->find_tensor(traits_of(type).name);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->type, type);
    EXPECT_EQ(t->dims, (std::vector<std::uint64_t>{64, 3}));
    EXPECT_EQ(t->offset % 32, 0u);
    EXPECT_EQ(t->bytes, row_bytes(type, 64) * 3);
    std::vector<float> back(64);
    reference::dequantize_row(type, t->data + row_bytes(type, 64) * 2, back);
    // Small integers survive F32/F16 exactly; Q8_0 within half a step (8/127); Q4_0 within one step (1,
    // as ggml clamps the level opposite the largest weight).
    const float tolerance = type == ggml_type::q4_0 ? 1.0f : (type == ggml_type::q8_0 ? 0.04f : 0.0f);
    for (std::size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], values[128 + i], tolerance) << i;
  }
}

}  // namespace
}  // namespace infergrid::model
