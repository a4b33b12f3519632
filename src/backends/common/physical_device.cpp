// SPDX-License-Identifier: MIT
#include "backends/common/physical_device.h"

#include <filesystem>
#include <system_error>

namespace usermedia::backends {
namespace {

bool allDigits(std::string_view text, bool dotsAllowed)
{
    if (text.empty() || text.front() == '.' || text.back() == '.')
        return false;
    for (const char c : text) {
        if ((c < '0' || c > '9') && !(dotsAllowed && c == '.'))
            return false;
    }
    return true;
}

} // namespace

std::optional<std::string> canonicalPath(const std::string& path)
{
    std::error_code error;
    auto canonical = std::filesystem::canonical(path, error);
    if (error)
        return std::nullopt;
    return canonical.string();
}

bool isUsbInterface(std::string_view name)
{
    // <bus>-<port>[.<port>...]:<configuration>.<interface>
    const auto dash = name.find('-');
    const auto colon = name.find(':');
    if (dash == std::string_view::npos || colon == std::string_view::npos || colon < dash)
        return false;
    const auto tail = name.substr(colon + 1);
    const auto dot = tail.find('.');
    return allDigits(name.substr(0, dash), false) &&
           allDigits(name.substr(dash + 1, colon - dash - 1), true) &&
           dot != std::string_view::npos && allDigits(tail.substr(0, dot), false) &&
           allDigits(tail.substr(dot + 1), false);
}

std::string physicalDevice(std::string_view devicePath)
{
    while (devicePath.size() > 1 && devicePath.back() == '/')
        devicePath.remove_suffix(1);
    const auto slash = devicePath.rfind('/');
    if (slash != std::string_view::npos && slash > 0 &&
        isUsbInterface(devicePath.substr(slash + 1)))
        return std::string(devicePath.substr(0, slash));
    return std::string(devicePath);
}

std::string sysfsGroupId(std::string_view devicePath)
{
    return "sysfs:" + physicalDevice(devicePath);
}

std::optional<std::string> groupIdOfDeviceLink(const std::string& link, const RealPath& realPath)
{
    auto target = realPath(link);
    if (!target)
        return std::nullopt;
    return sysfsGroupId(*target);
}

std::string soundCardGroupId(std::string_view sysfsPathProperty, std::string fallback,
                             const std::string& sysfsRoot, const RealPath& realPath)
{
    // A devpath is absolute inside sysfs; anything else is not one we can resolve.
    if (sysfsPathProperty.empty() || sysfsPathProperty.front() != '/' ||
        sysfsPathProperty.find("/../") != std::string_view::npos)
        return fallback;
    const std::string link = sysfsRoot + std::string(sysfsPathProperty) + "/device";
    return groupIdOfDeviceLink(link, realPath).value_or(std::move(fallback));
}

} // namespace usermedia::backends
