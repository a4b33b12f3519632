# SPDX-License-Identifier: MIT
# One interface target carries the project's warnings; -Werror only when UM_WERROR is on.
add_library(um_warnings INTERFACE)
target_compile_options(um_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wmissing-declarations
    -Wimplicit-fallthrough -Wformat=2 -Wcast-qual)
if(UM_WERROR)
    target_compile_options(um_warnings INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(um_warnings INTERFACE -Wthread-safety)
endif()
