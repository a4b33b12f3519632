// SPDX-License-Identifier: MIT
#include "backends/fake/fake_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "backends/fake/fake_device.h"
#include "backends/fake/hotplug_state.h"

namespace usermedia::fake {
namespace {

/** Thread: all members thread-safe (the specs never change; HotplugState locks). */
class FakeBackend final : public Backend
{
public:
    FakeBackend(std::vector<FakeDeviceSpec> devices, std::shared_ptr<Clock> clock)
        : devices_(std::move(devices)),
          clock_(std::move(clock)),
          hotplug_(std::make_shared<HotplugState>())
    {}

    std::string_view name() const override { return "fake"; }

    Result<void> probe() override { return {}; }

    std::vector<DeviceDescription> enumerate() override
    {
        std::vector<DeviceDescription> present;
        for (const FakeDeviceSpec& spec : devices_) {
            if (!hotplug_->isUnplugged(spec.description.id))
                present.push_back(spec.description);
        }
        return present;
    }

    void watch(HotplugListener* listener) override { hotplug_->setListener(listener); }

    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        const auto it = std::find_if(devices_.begin(), devices_.end(),
                                     [id](const auto& spec) { return spec.description.id == id; });
        if (it == devices_.end() || hotplug_->isUnplugged(id))
            return Error{ErrorName::NotFoundError,
                         "fake: no device with id '" + std::string(id) + "'",
                         {},
                         0};
        const std::string name = "'" + it->description.label + "' (" + it->description.id + ")";
        switch (it->faults.open) {
        case OpenFault::None:
            break;
        case OpenFault::Busy:
            return Error{ErrorName::NotReadableError,
                         "fake: cannot open " + name + ": " + std::strerror(EBUSY),
                         {},
                         EBUSY};
        case OpenFault::Denied:
            return Error{ErrorName::NotReadableError,
                         "fake: cannot open " + name + ": " + std::strerror(EACCES),
                         {},
                         EACCES};
        case OpenFault::Missing:
            return Error{ErrorName::NotFoundError,
                         "fake: cannot open " + name + ": " + std::strerror(ENOENT),
                         {},
                         ENOENT};
        }
        return std::unique_ptr<Device>(std::make_unique<FakeDevice>(*it, clock_, hotplug_));
    }

private:
    const std::vector<FakeDeviceSpec> devices_;
    const std::shared_ptr<Clock> clock_;
    const std::shared_ptr<HotplugState> hotplug_;
};

Result<std::string> readFile(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const int error = errno;
        return Error{ErrorName::TypeError,
                     "fake devices file '" + path + "': " + std::strerror(error),
                     {},
                     error};
    }
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) {
        const int error = errno;
        return Error{ErrorName::TypeError,
                     "fake devices file '" + path + "': " + std::strerror(error),
                     {},
                     error};
    }
    return text.str();
}

} // namespace

Result<std::unique_ptr<Backend>> createFakeBackend(std::string_view description,
                                                   std::shared_ptr<Clock> clock)
{
    constexpr std::string_view kSpace = " \t\r\n";
    const auto first = description.find_first_not_of(kSpace);
    const std::string_view trimmed =
            first == std::string_view::npos
                    ? std::string_view{}
                    : description.substr(first, description.find_last_not_of(kSpace) - first + 1);
    if (trimmed == "default")
        return createFakeBackend(defaultFakeDevices(), std::move(clock));

    Result<std::vector<FakeDeviceSpec>> devices = std::vector<FakeDeviceSpec>{};
    if (!trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[')) {
        devices = parseFakeDevices(description, "inline JSON");
    } else {
        if (description.empty())
            return Error{ErrorName::TypeError,
                         "fake devices: empty description (expected \"default\", JSON or a "
                         "file path)",
                         {},
                         0};
        const std::string path(description);
        auto text = readFile(path);
        if (!text)
            return text.error();
        devices = parseFakeDevices(*text, path);
    }
    if (!devices)
        return devices.error();
    return createFakeBackend(std::move(*devices), std::move(clock));
}

std::unique_ptr<Backend> createFakeBackend(std::vector<FakeDeviceSpec> devices,
                                           std::shared_ptr<Clock> clock)
{
    if (!clock)
        clock = systemClock();
    return std::make_unique<FakeBackend>(std::move(devices), std::move(clock));
}

} // namespace usermedia::fake
