# The commit the binary is built from, for --version: cmake/version.cmake
# writes it into generated/lw_commit.h at configure time and again on
# every build (the header is rewritten only when the commit changes).
set(LW_COMMIT_H ${CMAKE_BINARY_DIR}/generated/lw_commit.h)
set(LW_COMMIT_CMD ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${LW_COMMIT_H}
    -P ${CMAKE_SOURCE_DIR}/cmake/version.cmake)
execute_process(COMMAND ${LW_COMMIT_CMD})
add_custom_target(lw_commit COMMAND ${LW_COMMIT_CMD} BYPRODUCTS ${LW_COMMIT_H}
  COMMENT "" VERBATIM)
add_dependencies(layerwaste lw_commit)
target_include_directories(layerwaste PRIVATE ${CMAKE_BINARY_DIR}/generated)
