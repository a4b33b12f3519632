# SPDX-License-Identifier: MIT
# UM_SANITIZE is a comma-separated list for -fsanitize= (e.g. "address,undefined").
set(UM_SANITIZE "" CACHE STRING "Sanitizers to build with (-fsanitize=<list>)")
if(UM_SANITIZE)
    add_compile_options(-fsanitize=${UM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${UM_SANITIZE})
endif()
