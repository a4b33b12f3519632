// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <usermedia/clock.h>
#include <usermedia/media_device_info.h>
#include <usermedia/result.h>

#include "backends/backend.h"

namespace usermedia {

/** A device as the core knows it: its backend, what the backend says, and the ids apps see. */
struct RegisteredDevice
{
    Backend* backend = nullptr;
    DeviceDescription description;
    std::string deviceId; ///< as applications see it
    std::string groupId;  ///< as applications see it

    MediaDeviceInfo info() const
    {
        return {deviceId, description.kind, description.label, groupId};
    }
};

/**
 * The backends of one MediaDevices context, in priority order, and their devices in
 * enumeration order (backend by backend).
 * Thread: all members thread-safe (backends are); \p onChange runs on a backend thread.
 */
class DeviceRegistry final : public HotplugListener
{
public:
    /**
     * Chooses the backends: the fake backend alone when \p fakeDevices is not empty ("default",
     * JSON text or a file path), else every real backend that probes successfully.
     * Errors: TypeError for an unreadable or invalid fake-device description.
     */
    static Result<std::unique_ptr<DeviceRegistry>> create(const std::string& fakeDevices,
                                                          std::shared_ptr<Clock> clock,
                                                          std::function<void()> onChange);
    ~DeviceRegistry() override;
    DeviceRegistry(const DeviceRegistry&) = delete;
    DeviceRegistry& operator=(const DeviceRegistry&) = delete;

    /** The devices, with deviceId/groupId salted per origin (see setIdSalt()). */
    std::vector<RegisteredDevice> enumerate() const;
    void onDevicesChanged() override;

    /**
     * Where the origin's salt comes from: the ids applications see are saltedId() of the
     * backend's ids with it. Asked at every enumerate(), because resetting an origin's
     * permissions changes it. Without one, ids are the backend's own (tests of the registry).
     * Call before the registry is shared.
     */
    void setIdSalt(std::function<std::string()> salt) { salt_ = std::move(salt); }

private:
    DeviceRegistry(std::vector<std::unique_ptr<Backend>> backends, std::function<void()> onChange);

    std::vector<std::unique_ptr<Backend>> backends_;
    std::function<void()> onChange_;
    std::function<std::string()> salt_;
};

} // namespace usermedia
