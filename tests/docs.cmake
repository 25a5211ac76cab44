# The documentation against the binary (tests/docs/, node's built-in test runner, no packages):
#   docs_readme_cli     README's "CLI reference" holds every subcommand and flag `--help` shows, and
#                       names no flag `--help` lacks
#   docs_config_keys    every key a node config accepts (read from the binary's refusals of a misspelled
#                       key) is named in README.md or deploy/readme/*.md
#   docs_ctest_patterns every `ctest -R` pattern the documents give selects tests (each alternative)
if(INFERGRID_NODE)
  foreach(name readme_cli config_keys ctest_patterns)
    add_test(NAME docs_${name} COMMAND ${INFERGRID_NODE} --test ${CMAKE_CURRENT_LIST_DIR}/docs/${name}.test.mjs
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(docs_${name} PROPERTIES TIMEOUT 120
      ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>;INFERGRID_CTEST=${CMAKE_CTEST_COMMAND}")
  endforeach()
endif()
