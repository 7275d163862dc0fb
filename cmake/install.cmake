# Installing and packaging (docs/operations.md).
#
#   cmake --install build [--prefix /usr]    binary, docs, systemd unit, config templates
#   (cd build && cpack -G DEB)               easysale-sync_<version>_<arch>.deb
#
# Layout under the prefix (/usr for the package): bin/easysale-sync,
# share/doc/easysale-sync/ (README, docs, OpenAPI), lib/systemd/system/.
# The configuration and the secrets file (installed root-only, 0600) go to
# /etc/easysale-sync/ when the prefix is /usr (the package), else to
# <prefix>/etc/easysale-sync/, decided at install time so that
# `cmake --install --prefix DIR` never writes outside DIR. Only `serve` has
# a unit: it also runs the webhook worker, and there is no separate worker
# command yet.
include(GNUInstallDirs)

set(ES_VERSION "0.1.0")
set(ES_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/easysale-sync)

if(TARGET easysale-sync)
  install(TARGETS easysale-sync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

install(FILES README.md DESTINATION ${ES_DOC_DIR} COMPONENT runtime)
install(DIRECTORY docs/ DESTINATION ${ES_DOC_DIR} COMPONENT runtime)
install(FILES packaging/systemd/easysale-sync.service DESTINATION lib/systemd/system COMPONENT runtime)
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(es_etc \"/etc/easysale-sync\")
  else()
    set(es_etc \"\${CMAKE_INSTALL_PREFIX}/etc/easysale-sync\")
  endif()
  file(INSTALL DESTINATION \"\${es_etc}\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES \"${PROJECT_SOURCE_DIR}/packaging/config.json\")
  file(INSTALL DESTINATION \"\${es_etc}\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE
       FILES \"${PROJECT_SOURCE_DIR}/packaging/easysale-sync.env\")
" COMPONENT runtime)

set(CPACK_PACKAGE_NAME "easysale-sync")
set(CPACK_PACKAGE_VERSION ${ES_VERSION})
set(CPACK_PACKAGE_VENDOR "EasySale")
set(CPACK_PACKAGE_CONTACT "EasySale Sync maintainers <sync@easysale.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Data-sync engine and API server: WooCommerce to QuickBooks Online / PostgreSQL")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/conffiles;${PROJECT_SOURCE_DIR}/packaging/postinst")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

# The package test: builds the .deb, unpacks it into a throw-away root and
# starts the unit's command line from there (tests/package/).
if(ES_BUILD_TESTS)
  add_subdirectory(tests/package)
endif()
