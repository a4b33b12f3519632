# SPDX-License-Identifier: MIT
# um_add_module(<name> SOURCES ... [DEPENDS ...]): an object library um_<name> of the library.
# Modules see the public headers, the generated headers and src/ (for "core/...", ...).
set_property(GLOBAL PROPERTY UM_MODULES "")

function(um_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
    set(target um_${name})
    add_library(${target} OBJECT ${ARG_SOURCES})
    target_include_directories(${target} PUBLIC
            $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
            $<BUILD_INTERFACE:${UM_GENERATED_INCLUDE}>
            $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
    target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} Threads::Threads PRIVATE um_warnings)
    # Objects go into the shared library (exporting) and the static test library alike.
    target_compile_definitions(${target} PRIVATE um_EXPORTS)
    set_property(GLOBAL APPEND PROPERTY UM_MODULES ${target})
endfunction()

# Links every module's objects into <target>.
function(um_link_modules target)
    get_property(modules GLOBAL PROPERTY UM_MODULES)
    foreach(module IN LISTS modules)
        target_sources(${target} PRIVATE $<TARGET_OBJECTS:${module}>)
        target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:${module}>)
        get_target_property(deps ${module} INTERFACE_LINK_LIBRARIES)
        if(deps)
            target_link_libraries(${target} PRIVATE ${deps})
        endif()
    endforeach()
    target_include_directories(${target} PUBLIC
            $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
            $<BUILD_INTERFACE:${UM_GENERATED_INCLUDE}>
            $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_compile_features(${target} PUBLIC cxx_std_20)
    target_link_libraries(${target} PUBLIC Threads::Threads)
endfunction()
