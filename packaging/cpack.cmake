# The Debian package: `cpack -G DEB` in a build folder writes
# layerwaste_VERSION_ARCH.deb holding the files of
# `cmake --install --strip --prefix /usr` (packaging/install.cmake), no
# more and no fewer; tests/e2e/test_deb.sh compares the two.
#
# PLACEHOLDERS, set here once: the maintainer and the description. The
# home page is LW_HOMEPAGE of include/layerwaste/render.h (a placeholder
# too), read from there; the version is the project's (util.h).
set(LW_PACKAGE_MAINTAINER "layerwaste maintainers <maintainers@example.invalid>")
set(LW_PACKAGE_SUMMARY "find the bytes a container image wastes")
set(LW_PACKAGE_DESCRIPTION
"layerwaste reads container image archives (docker save, podman save,
OCI layouts), counts the bytes a layer wastes by copying, overwriting or
deleting files of a lower layer, maps them to Dockerfile lines and
suggests fixes. Reports as text, JSON, HTML, SARIF, GitLab Code Quality,
JUnit, Markdown and GitHub annotations, with CI rules and exit codes.")

file(STRINGS ${CMAKE_SOURCE_DIR}/include/layerwaste/render.h LW_HOMEPAGE_LINE
     REGEX "^#define LW_HOMEPAGE \"[^\"]+\"$")
string(REGEX REPLACE "^#define LW_HOMEPAGE \"([^\"]+)\"$" "\\1" LW_HOMEPAGE
       "${LW_HOMEPAGE_LINE}")
if(NOT LW_HOMEPAGE MATCHES "^https?://")
  message(FATAL_ERROR "no LW_HOMEPAGE in include/layerwaste/render.h")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME layerwaste)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${LW_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${LW_PACKAGE_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION "${LW_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${LW_HOMEPAGE}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${LW_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LW_PACKAGE_MAINTAINER}")
# The control files with the modes dpkg expects (0644, scripts 0755).
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Depends: what dpkg-shlibdeps (dpkg-dev) finds the binary linked to, with
# the versions the libraries' symbols need; without it, Debian 12's
# packages of the libraries the build links, listed by hand (also with
# -DLW_DPKG_SHLIBDEPS=OFF). A static binary (LW_STATIC) needs none.
find_program(LW_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(LW_STATIC)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
elseif(LW_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(LW_DEB_DEPENDS "libc6 (>= 2.34)" libarchive13 libjansson4
      libxxhash0 libyaml-0-2)
  if(LW_WITH_ISAL)
    list(APPEND LW_DEB_DEPENDS libisal2)
  endif()
  if(LW_WITH_BROWSER)
    list(APPEND LW_DEB_DEPENDS libncursesw6 libtinfo6)
  endif()
  string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS ${LW_DEB_DEPENDS})
endif()

include(CPack)
