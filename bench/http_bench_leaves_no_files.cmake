# cmake -DHTTP_BENCH=... -DSOURCE_DIR=... -DWORK_DIR=... -P http_bench_leaves_no_files.cmake
# A short http_bench run in a fresh working directory (with the repository's deploy/ linked in, as a
# run from the repository root sees it) must leave no file there: its ledger and the validators'
# keys belong in its temporary folder (before, validator-N.key landed in the working directory).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(CREATE_LINK "${SOURCE_DIR}/deploy" "${WORK_DIR}/deploy" SYMBOLIC)
execute_process(COMMAND "${HTTP_BENCH}" --connections 1 --requests 1 --model-requests 1
  WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "http_bench exited with ${status}")
endif()
file(GLOB left RELATIVE "${WORK_DIR}" "${WORK_DIR}/*")
list(REMOVE_ITEM left deploy)
if(left)
  message(FATAL_ERROR "http_bench wrote into its working directory: ${left}")
endif()
