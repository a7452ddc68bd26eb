# Warnings at zero: every target of ours gets these through kompas_warnings.
add_library(kompas_warnings INTERFACE)
target_compile_options(kompas_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
-Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(KOMPAS_WERROR)
  target_compile_options(kompas_warnings INTERFACE -Werror)
endif()
