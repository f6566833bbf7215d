# The Debian package (scripts/package builds it: cpack -G DEB in a Release
# build configured with CMAKE_INSTALL_PREFIX=/usr). Contents come from the
# install() rules; the maintainer scripts, copyright and changelog from
# packaging/deb/. docs/operations.md walks an operator from this package to a
# live partner; tests/system/package_test.sh installs it into a throwaway root
# and walks that path.

# What Debian policy asks of every package beside the install() rules: the
# copyright file and a compressed changelog in the package's doc directory
# (changelog.gz: sluis is a native package, its version has no Debian
# revision) and the conffiles list. lintian reports no tag
# (tests/system/package_test.sh runs it).
set(SLUIS_DEB_DIR ${PROJECT_BINARY_DIR}/packaging)
configure_file(${PROJECT_SOURCE_DIR}/packaging/deb/changelog.in ${SLUIS_DEB_DIR}/changelog @ONLY)
add_custom_command(OUTPUT ${SLUIS_DEB_DIR}/changelog.gz
  COMMAND gzip -9nf -k ${SLUIS_DEB_DIR}/changelog
  DEPENDS ${SLUIS_DEB_DIR}/changelog)
add_custom_target(sluis-deb-changelog ALL DEPENDS ${SLUIS_DEB_DIR}/changelog.gz)
install(FILES ${SLUIS_DEB_DIR}/changelog.gz packaging/deb/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(WRITE ${SLUIS_DEB_DIR}/conffiles "${CMAKE_INSTALL_FULL_SYSCONFDIR}/sluis/sluisd.toml\n")

set(CPACK_PACKAGE_NAME sluis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sluis project <sluis@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "iWmo/iJw message-exchange gateway")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sluis receives the iWmo and iJw 3.2 messages of municipalities and care\n\
providers over HTTPS with mutual TLS, validates them against the standard's\n\
schemas and rules, stores them durably, routes and delivers them, and\n\
composes the retour messages. sluisctl steers it through its admin socket.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The shared libraries' packages from dpkg-shlibdeps, plus systemd: the
# maintainer scripts apply sysusers.d and tmpfiles.d, and sluisd is a
# Type=notify service. (deb-systemd-invoke comes from init-system-helpers,
# which is essential.)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
# sluisctl backup on the PostgreSQL engine runs pg_dump and pg_restore.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-client")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm
    ${SLUIS_DEB_DIR}/conffiles)
# /etc/sluis/sluisd.toml is a conffile: the operator's edits survive upgrades.
set(CPACK_GENERATOR DEB)
include(CPack)
