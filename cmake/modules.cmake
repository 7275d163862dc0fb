# Precompiled headers: every library and test binary parses nlohmann/json
# (and the tests GoogleTest) once per target instead of once per file, which
# is what a cold build of a fresh clone spends most of its time on. Trade-off:
# GCC's .gch output differs from build to build, so files that include it miss
# ccache across build directories; -DES_PCH=OFF when ccache matters more.
option(ES_PCH "Precompile the heavy third-party headers" ON)
set(ES_PCH_HEADERS <nlohmann/json.hpp> <string> <vector> <map> <memory> <optional> <functional>)
set(ES_PCH_TEST_HEADERS ${ES_PCH_HEADERS} <gtest/gtest.h> <gmock/gmock.h>)
function(es_precompile target)
  if(ES_PCH)
    if(ARGN)
      target_precompile_headers(${target} PRIVATE ${ES_PCH_TEST_HEADERS})
    else()
      target_precompile_headers(${target} PRIVATE ${ES_PCH_HEADERS})
    endif()
  endif()
endfunction()

# Tests that need a PostgreSQL server (EASYSALE_TEST_PG_URL) carry the label
# "postgres" and require the fixture "postgres_server", whose set-up test
# (postgres_available, cmake/check_postgres.cmake) fails when the server is
# missing and ES_REQUIRE_POSTGRES=1 is set; ctest then reports the suites as
# not run (a failure) instead of passing with every test skipped. Without
# that variable the suites skip their PostgreSQL tests as before.
function(es_requires_postgres test)
  set_tests_properties(${test} PROPERTIES LABELS postgres FIXTURES_REQUIRED postgres_server)
  set_property(GLOBAL APPEND PROPERTY ES_POSTGRES_LABELLED ${test})
endfunction()

# es_module(<name> DIR <dir> [DEPS <targets...>])
# Builds every *.cpp in <dir> (not recursive) except *_test.cpp into the static
# library es_<name>. Every *_test.cpp in <dir> goes into the GoogleTest binary
# <name>_test, registered with CTest (labelled "postgres" when it is named in
# ES_POSTGRES_TESTS). Tests sit beside the code they test.
function(es_module name)
  cmake_parse_arguments(M "" "DIR" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${M_DIR}/*.cpp)
  file(GLOB tests CONFIGURE_DEPENDS ${M_DIR}/*_test.cpp)
  if(tests)
    list(REMOVE_ITEM srcs ${tests})
  endif()
  if(NOT srcs)
    message(STATUS "module ${name}: no sources yet, skipped")
    return()
  endif()
  add_library(es_${name} STATIC ${srcs})
  target_include_directories(es_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(es_${name} PUBLIC ${M_DEPS})
  es_precompile(es_${name})
  if(ES_BUILD_TESTS AND tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE es_${name} ${M_TEST_DEPS} GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name}_test PRIVATE ES_TESTDATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/${M_DIR}/testdata")
    add_test(NAME ${name}_test COMMAND ${name}_test)
    if(${name}_test IN_LIST ES_POSTGRES_TESTS)
      es_requires_postgres(${name}_test)
    endif()
    es_precompile(${name}_test TESTS)
  endif()
endfunction()
