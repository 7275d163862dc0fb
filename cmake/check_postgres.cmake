# Set-up test of the "postgres_server" fixture (cmake -P, run by ctest before
# the tests labelled "postgres"; see es_requires_postgres in modules.cmake).
#   EASYSALE_TEST_PG_URL set     the server must accept connections (pg_isready)
#   unset, ES_REQUIRE_POSTGRES=1 fails: the suites would only skip their tests
#   unset otherwise              passes; the suites skip their PostgreSQL tests
# The URL is never printed.
set(url "$ENV{EASYSALE_TEST_PG_URL}")
if(url STREQUAL "")
  if("$ENV{ES_REQUIRE_POSTGRES}" STREQUAL "1")
    message(FATAL_ERROR "ES_REQUIRE_POSTGRES=1 but EASYSALE_TEST_PG_URL is not set: the PostgreSQL suites "
                        "would skip their tests (run them under scripts/with-postgres.sh)")
  endif()
  message(STATUS "EASYSALE_TEST_PG_URL is not set: the PostgreSQL tests will be skipped")
  return()
endif()
file(GLOB pg_bins /usr/lib/postgresql/*/bin)
find_program(PG_ISREADY pg_isready HINTS ${pg_bins})
if(NOT PG_ISREADY)
  message(STATUS "pg_isready not found: the server named by EASYSALE_TEST_PG_URL is not checked here")
  return()
endif()
execute_process(COMMAND ${PG_ISREADY} -q -t 10 -d "${url}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the PostgreSQL server named by EASYSALE_TEST_PG_URL does not accept connections "
                      "(pg_isready exit ${rc})")
endif()
message(STATUS "PostgreSQL test server accepts connections")
