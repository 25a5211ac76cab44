# cmake -DHTTP_BENCH=... -DSOURCE_DIR=... -DWORK_DIR=... -P http_bench_ratio_says_what_it_computes.cmake
# A short http_bench run: its throughput ratio line must name the quotient it prints — REQ's
# requests/s over the bridge's, as the two lines above it give them (before, the line said
# "bridge/REQ" over REQ/bridge's value).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(CREATE_LINK "${SOURCE_DIR}/deploy" "${WORK_DIR}/deploy" SYMBOLIC)
execute_process(COMMAND "${HTTP_BENCH}" --connections 2 --requests 4 --model-requests 4
  WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "http_bench exited with ${status}:\n${out}")
endif()
# "12.5" -> 125: tenths of a request per second, as integers (CMake's math has no fractions).
function(rate_of line_name out_var)
  if(NOT out MATCHES "${line_name} +([0-9]+)\\.([0-9]) req/s")
    message(FATAL_ERROR "no '${line_name}' line in:\n${out}")
  endif()
  set(${out_var} "${CMAKE_MATCH_1}${CMAKE_MATCH_2}" PARENT_SCOPE)
endfunction()
rate_of("16-token completion \\(ZMQ REQ client, baseline\\)" req_tenths)
rate_of("16-token completion \\(HTTP bridge\\)" bridge_tenths)
if(NOT out MATCHES "bridge vs REQ: [^\n]*throughput REQ/bridge ([0-9]+)\\.([0-9][0-9][0-9])x")
  message(FATAL_ERROR "no 'throughput REQ/bridge' on the bridge's ratio line:\n${out}")
endif()
math(EXPR printed_thousandths "${CMAKE_MATCH_1} * 1000 + 1${CMAKE_MATCH_2} - 1000")
# printed ≈ REQ / bridge, within 2% (the rates are printed to a tenth).
math(EXPR expected_thousandths "${req_tenths} * 1000 / ${bridge_tenths}")
math(EXPR off "${printed_thousandths} - ${expected_thousandths}")
if(off LESS 0)
  math(EXPR off "0 - ${off}")
endif()
math(EXPR allowed "${expected_thousandths} / 50 + 1")
if(off GREATER allowed)
  message(FATAL_ERROR "the throughput ratio printed (${printed_thousandths}/1000) is not REQ/bridge "
    "(${req_tenths}/${bridge_tenths} = ${expected_thousandths}/1000):\n${out}")
endif()
