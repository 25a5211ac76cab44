#include "kernels/model/chat/file_template.hpp"

namespace infergrid::chat {

result<file_template> template_of(const model::gguf_file& file) {
  file_template out;
  if (!file.has("tokenizer.chat_template")) return out;
  auto text = file.get_string("tokenizer.chat_template");
  if (!text.ok()) return text.err();
  out.present = !text->empty();
  out.family = detect_template(*text);
  out.recognised = out.present && out.family != template_family::plain;
  return out;
}

}  // namespace infergrid::chat
