# SPDX-License-Identifier: MIT
# Installs the shared library, the public headers (with the generated ones), a CMake package
# (find_package(usermedia) -> usermedia::usermedia) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS usermedia EXPORT usermediaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/usermedia ${UM_GENERATED_INCLUDE}/usermedia
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(EXPORT usermediaTargets NAMESPACE usermedia::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/usermedia)

configure_package_config_file(cmake/usermediaConfig.cmake.in
        ${CMAKE_CURRENT_BINARY_DIR}/usermediaConfig.cmake
        INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/usermedia)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/usermediaConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/usermediaConfig.cmake
        ${CMAKE_CURRENT_BINARY_DIR}/usermediaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/usermedia)

configure_file(cmake/usermedia.pc.in ${CMAKE_CURRENT_BINARY_DIR}/usermedia.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/usermedia.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET usermedia_cli)
    install(TARGETS usermedia_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
