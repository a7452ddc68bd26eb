# KOMPAS_SANITIZE=address,undefined | thread. Applied to everything we build; Debian's
# gRPC and Abseil stay uninstrumented (see STYLE.md: keep TSan tests free of gRPC).
if(KOMPAS_SANITIZE)
  add_compile_options(-fsanitize=${KOMPAS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${KOMPAS_SANITIZE})
endif()
if(KOMPAS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KOMPAS_FUZZ needs clang (libFuzzer)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
