# The StaticProbes package: find_package(StaticProbes), installed
# (<prefix>/share/cmake/StaticProbes) or straight from this directory.
# Everything lives in FindStaticProbes.cmake, beside this file; its
# documentation block describes the options, variables and functions.
if(CMAKE_CURRENT_LIST_DIR MATCHES "/(share|lib[^/]*)/cmake/StaticProbes$")
  # Installed: the tool may have been installed beside the package.
  get_filename_component(_StaticProbes_HINT_BIN "${CMAKE_CURRENT_LIST_DIR}/../../../bin" ABSOLUTE)
endif()
include("${CMAKE_CURRENT_LIST_DIR}/FindStaticProbes.cmake")
unset(_StaticProbes_HINT_BIN)
