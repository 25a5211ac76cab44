#include "actors/settlement/chain_slash_book.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/replace_file.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;

json to_json(const chain_conviction& c) {
  json signatures = json::object();
  for (const auto& [validator, signature] : c.signatures) signatures[validator] = chain::to_hex_0x(signature);
  return {{"request_id", c.request_id},
          {"miner", c.miner},
          {"miner_address", chain::to_hex_0x(c.miner_address)},
          {"evidence_hash", chain::to_hex_0x(c.evidence_hash)},
          {"signatures", signatures},
          {"convicted", c.convicted},
          {"voters", c.voters},
          {"on_chain", c.on_chain}};
}

result<chain_conviction> from_json(const json& j) {
  chain_conviction c;
  try {
    c.request_id = j.at("request_id").get<std::string>();
    c.miner = j.at("miner").get<std::string>();
    auto miner_address = chain::address_from_hex(j.at("miner_address").get<std::string>());
    auto evidence = chain::word_from_hex(j.at("evidence_hash").get<std::string>());
    if (!miner_address.ok()) return miner_address.err();
    if (!evidence.ok()) return evidence.err();
    c.miner_address = *miner_address;
    c.evidence_hash = *evidence;
    for (const auto& [validator, hex] : j.at("signatures").items()) {
      auto signature = chain::bytes_from_hex(hex.get<std::string>());
      if (!signature.ok()) return signature.err();
      c.signatures[validator] = *signature;
    }
    c.convicted = j.at("convicted").get<bool>();
    c.voters = j.at("voters").get<std::vector<std::string>>();
    c.on_chain = j.at("on_chain").get<bool>();
  } catch (const json::exception& e) {
    return make_error(error_code::malformed_input, e.what());
  }
  return c;
}

}  // namespace

result<chain_slash_book> chain_slash_book::load(std::string path) {
  chain_slash_book book(std::move(path));
  std::ifstream file(book.path_);
  if (!file) return book;
  std::stringstream text;
  text << file.rdbuf();
  const json entries = json::parse(text.str(), nullptr, false);
  if (entries.is_discarded() || !entries.is_array()) {
    return make_error(error_code::malformed_input, "the slash book " + book.path_ + " is not a JSON array");
  }
  for (const json& entry : entries) {
    auto read = from_json(entry);
    if (!read.ok()) return make_error(error_code::malformed_input, "the slash book " + book.path_ + ": " + read.err().message);
    book.entries_.push_back(std::move(*read));
  }
  return book;
}

status chain_slash_book::save() const {
  json entries = json::array();
  for (const chain_conviction& c : entries_) entries.push_back(to_json(c));
  return replace_file(path_, entries.dump(1) + "\n");
}

chain_conviction* chain_slash_book::find(std::string_view request_id, std::string_view miner) {
  const auto found = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const chain_conviction& c) { return c.request_id == request_id && c.miner == miner; });
  return found == entries_.end() ? nullptr : &*found;
}

chain_conviction* chain_slash_book::find_by_evidence(const chain::word& evidence_hash) {
  const auto found = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const chain_conviction& c) { return c.evidence_hash == evidence_hash; });
  return found == entries_.end() ? nullptr : &*found;
}

result<chain_conviction*> chain_slash_book::entry_for(const std::string& request_id, const std::string& miner,
                                                      const chain::address& miner_address, const chain::word& evidence_hash) {
  if (chain_conviction* known = find(request_id, miner)) return known;
  if (entries_.size() >= entries_max) {
    const auto done = std::find_if(entries_.begin(), entries_.end(), [](const chain_conviction& c) { return c.on_chain; });
    if (done == entries_.end()) {
      return make_error(error_code::too_large, "the slash book holds " + std::to_string(entries_max) +
                                                   " convictions not yet on chain");
    }
    entries_.erase(done);
  }
  entries_.push_back(chain_conviction{request_id, miner, miner_address, evidence_hash, {}, false, {}, false});
  return &entries_.back();
}

std::size_t chain_slash_book::forget_unconvicted() {
  return std::erase_if(entries_, [](const chain_conviction& c) { return !c.convicted && !c.on_chain; });
}

}  // namespace infergrid
