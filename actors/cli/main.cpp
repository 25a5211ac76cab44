// infergrid: one binary, one subcommand per file in this folder.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

int main(int argc, char** argv) {
  CLI::App app{"InferGrid: a decentralized LLM inference network of actors on a ZeroMQ bus."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "infergrid 0.1.0");
  CLI11_PARSE(app, argc, argv);
  return 0;
}
