# Writes a C++ source file holding a file's bytes, run at build time:
#   cmake -DINPUT=in.bin -DOUTPUT=out.cc -DSYMBOL=kName -P cmake/KompasEmbed.cmake
# The source defines `extern const unsigned char SYMBOL[]` and `extern const size_t SYMBOL_size`
# in namespace kompas::embedded.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Line breaks every 32 bytes keep the file readable by editors and compilers.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/KompasEmbed.cmake; do not edit.\n"
  "#include <cstddef>\n"
  "namespace kompas::embedded {\n"
  "extern const unsigned char ${SYMBOL}[];\n"
  "extern const std::size_t ${SYMBOL}_size;\n"
  "const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
  "const std::size_t ${SYMBOL}_size = ${size};\n"
  "}  // namespace kompas::embedded\n")
