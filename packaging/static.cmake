# -DLW_STATIC=ON: one fully static binary (scripts/release). Every library
# is linked from Debian's static archives, with the dependencies that
# `pkg-config --static` lists. libisal-dev ships no libisal.a, so a static
# build needs -DLW_WITH_ISAL=OFF (gzip layers inflate through libarchive's
# zlib instead).
option(LW_STATIC "Link the layerwaste binary fully statically" OFF)
if(LW_STATIC)
  if(LW_WITH_ISAL)
    message(FATAL_ERROR "LW_STATIC needs -DLW_WITH_ISAL=OFF: Debian has no static libisal")
  endif()
  set(LW_STATIC_LIBS ${ARCHIVE_STATIC_LIBRARIES} ${JANSSON_STATIC_LIBRARIES}
      ${ZSTD_STATIC_LIBRARIES} ${XXHASH_STATIC_LIBRARIES} ${YAML_STATIC_LIBRARIES}
      ${CRYPTO_STATIC_LIBRARIES})
  if(LW_WITH_BROWSER)
    list(APPEND LW_STATIC_LIBS ${NCURSES_STATIC_LIBRARIES})
  endif()
  list(TRANSFORM LW_STATIC_LIBS PREPEND -l)
  # The imported targets name the shared objects by path: drop them, the
  # -l list above (with -static) links the archives instead.
  foreach(t ARCHIVE JANSSON ZSTD XXHASH YAML NCURSES CRYPTO)
    if(TARGET PkgConfig::${t})
      set_property(TARGET PkgConfig::${t} PROPERTY INTERFACE_LINK_LIBRARIES "")
    endif()
  endforeach()
  target_link_options(layerwaste PRIVATE -static)
  # At the very end of the link line, after every stage library.
  string(JOIN " " CMAKE_C_STANDARD_LIBRARIES ${LW_STATIC_LIBS} -lm)
endif()
