# What `cmake --install` puts beside the binary, and the Debian package
# holds too: the man page, the shell completions (where bash-completion,
# zsh and fish look for them), and the docs with the JSON Schema.
install(FILES ${CMAKE_SOURCE_DIR}/docs/layerwaste.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/completions/layerwaste.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME layerwaste)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/completions/_layerwaste
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/completions/layerwaste.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# The docs keep their relative links: schema/ and examples/ sit beside
# them as in the source tree.
file(GLOB LW_DOCS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${LW_DOCS}
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/schema ${CMAKE_SOURCE_DIR}/docs/examples
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
