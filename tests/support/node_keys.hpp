#pragma once
// node_keys: `infergrid keygen`'s files for one test node, written into a test's directory, so a
// test config names key files exactly as a deployed one does.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "runtime/key_files.hpp"

namespace infergrid::testing {

struct node_keys {
  std::string transport_key;  // path of transport.key (secret)
  std::string transport_pub;  // path of transport.pub
  std::string transport_public_z85;
  std::string signing_key;  // path of signing.key
  std::string signing_public_hex;
};

inline node_keys make_node_keys(const std::string& under, const std::string& name) {
  const std::string dir = under + "/" + name + "-keys";
  auto written = write_new_keys(dir);
  if (!written.ok()) {
    ADD_FAILURE() << "keygen into " << dir << ": " << written.err().message;
    return {};
  }
  return {dir + "/transport.key", dir + "/transport.pub", written->transport_public_z85, dir + "/signing.key",
          written->signing_public_hex};
}

}  // namespace infergrid::testing
