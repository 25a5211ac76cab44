#pragma once
// The chat template family a GGUF file declares in tokenizer.chat_template, as the HTTP bridge, the
// `generate --chat` and `model-info` commands read it: `plain` (the documented default) when the file has
// no template, and also when its template is of no known family — `recognised` tells those two apart.
#include "kernels/model/chat/chat_template.hpp"
#include "kernels/model/gguf_file.hpp"
#include "runtime/result.hpp"

namespace infergrid::chat {

struct file_template {
  template_family family = template_family::plain;
  bool present = false;     // the file has a non-empty tokenizer.chat_template
  bool recognised = false;  // ... and it is of a known family (plain otherwise)
};

result<file_template> template_of(const model::gguf_file& file);

}  // namespace infergrid::chat
