#pragma once
// byte_unicode: GPT-2's byte-level alphabet, which byte-level BPE vocabularies are written in. Each of
// the 256 byte values stands for one printable code point: the printable Latin-1 bytes (33-126,
// 161-172, 174-255) for themselves, every other byte for U+0100 + its rank among them, so that a
// space is "Ġ" (U+0120) and a newline "Ċ" (U+010A). Encoding maps text bytes to that alphabet before
// merging; decoding maps a token's code points back to bytes.
#include <string>
#include <string_view>

namespace infergrid::model {

// The UTF-8 text of the code point that stands for `byte`.
std::string_view byte_to_unicode(unsigned char byte);
// `text` with every byte replaced by its code point (UTF-8).
std::string bytes_to_unicode(std::string_view text);
// The bytes a token's text stands for. A code point outside the alphabet is kept as its UTF-8 text.
std::string unicode_to_bytes(std::string_view token_text);

}  // namespace infergrid::model
