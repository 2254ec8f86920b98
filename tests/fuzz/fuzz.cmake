# The fuzz harnesses of tests/fuzz: one per parser of untrusted input.
# With LW_FUZZ=ON (CC=clang, a build folder of its own) each becomes a
# libFuzzer binary fuzz_<name>, run by scripts/fuzz; the core is built
# with ASan and UBSan. In every build with tests, replay_<name> runs the
# same harness on the saved regression inputs (tests/fuzz/regressions/
# <name>/) as the test fuzz.replay_<name>.
set(LW_FUZZ_HARNESSES tar image dockerfile history config readme cache report)
set(LW_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)

if(LW_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LW_FUZZ=ON needs clang (CC=clang)")
  endif()
  target_compile_options(lw_flags INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  target_link_options(lw_flags INTERFACE -fsanitize=address,undefined)
  foreach(h ${LW_FUZZ_HARNESSES})
    add_executable(fuzz_${h} ${LW_FUZZ_DIR}/fuzz_${h}.c)
    target_link_libraries(fuzz_${h} PRIVATE lw_flags ${LW_TOP})
    target_link_options(fuzz_${h} PRIVATE -fsanitize=fuzzer)
  endforeach()
  # The cache's parser is the read stage's own (read/cache.h).
  target_include_directories(fuzz_cache PRIVATE ${CMAKE_SOURCE_DIR}/analyzer/read)
endif()

if(BUILD_TESTING AND NOT LW_FUZZ)
  foreach(h ${LW_FUZZ_HARNESSES})
    add_executable(replay_${h} ${LW_FUZZ_DIR}/fuzz_${h}.c ${LW_FUZZ_DIR}/replay.c)
    target_link_libraries(replay_${h} PRIVATE lw_flags ${LW_TOP})
    add_test(NAME fuzz.replay_${h}
             COMMAND replay_${h} ${LW_FUZZ_DIR}/regressions/${h})
  endforeach()
  target_include_directories(replay_cache PRIVATE ${CMAKE_SOURCE_DIR}/analyzer/read)
endif()
