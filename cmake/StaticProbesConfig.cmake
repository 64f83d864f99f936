# The installed StaticProbes package: find_package(StaticProbes CONFIG).
# Everything lives in FindStaticProbes.cmake, installed beside this file;
# its documentation block describes the options, variables and functions.
get_filename_component(_StaticProbes_HINT_BIN "${CMAKE_CURRENT_LIST_DIR}/../../../bin" ABSOLUTE)
include("${CMAKE_CURRENT_LIST_DIR}/FindStaticProbes.cmake")
unset(_StaticProbes_HINT_BIN)
