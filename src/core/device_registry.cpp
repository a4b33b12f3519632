// SPDX-License-Identifier: MIT
#include "core/device_registry.h"

#include "backends/fake/fake_backend.h"
#if UM_HAVE_V4L2
#include "backends/v4l2/v4l2_backend.h"
#endif
#if UM_HAVE_PULSE
#include "backends/pulse/pulse_backend.h"
#endif
#if UM_HAVE_ALSA
#include "backends/alsa/alsa_backend.h"
#endif
#include "base/log.h"
#include "core/salted_id.h"

namespace usermedia {

Result<std::unique_ptr<DeviceRegistry>> DeviceRegistry::create(const std::string& fakeDevices,
                                                               std::shared_ptr<Clock> clock,
                                                               std::function<void()> onChange)
{
    std::vector<std::unique_ptr<Backend>> backends;
    if (!fakeDevices.empty()) {
        auto fake = fake::createFakeBackend(fakeDevices, std::move(clock));
        if (!fake)
            return fake.error();
        backends.push_back(std::move(*fake));
    } else {
        // Real backends, in priority order.
#if UM_HAVE_V4L2
        backends.push_back(v4l2::createV4l2Backend(clock));
#endif
#if UM_HAVE_PULSE
        backends.push_back(pulse::createPulseBackend(clock));
#endif
#if UM_HAVE_ALSA
        backends.push_back(alsa::createAlsaBackend(clock));
#endif
    }
    // Real backends (v4l2, pulse, alsa, pipewire) join this list as they land, in priority
    // order; one whose probe() fails is skipped with an info log.
    bool pulseServes = false;
    for (auto it = backends.begin(); it != backends.end();) {
        // A running PulseAudio (or pipewire-pulse) owns the sound cards: their ALSA PCMs would
        // list every microphone twice, and opening one would fail busy. ALSA is for systems
        // without a sound server (see docs/audio.md).
        if (pulseServes && (*it)->name() == "alsa") {
            UM_LOG(Core, Info) << "skipping backend alsa: PulseAudio serves the sound cards";
            it = backends.erase(it);
            continue;
        }
        auto probed = (*it)->probe();
        if (probed && (*it)->name() == "pulse")
            pulseServes = true;
        if (!probed) {
            UM_LOG(Core, Info) << "skipping backend " << (*it)->name() << ": "
                               << probed.error().toString();
            it = backends.erase(it);
        } else {
            ++it;
        }
    }
    auto registry = std::unique_ptr<DeviceRegistry>(
            new DeviceRegistry(std::move(backends), std::move(onChange)));
    for (auto& backend : registry->backends_)
        backend->watch(registry.get());
    return registry;
}

DeviceRegistry::DeviceRegistry(std::vector<std::unique_ptr<Backend>> backends,
                               std::function<void()> onChange)
    : backends_(std::move(backends)),
      onChange_(std::move(onChange))
{}

DeviceRegistry::~DeviceRegistry()
{
    for (auto& backend : backends_)
        backend->watch(nullptr);
}

std::vector<RegisteredDevice> DeviceRegistry::enumerate() const
{
    std::vector<RegisteredDevice> devices;
    const std::string salt = salt_ ? salt_() : std::string();
    for (const auto& backend : backends_) {
        for (auto& description : backend->enumerate()) {
            RegisteredDevice device;
            device.backend = backend.get();
            // Privacy: applications never see the backend's ids (OS paths, serial numbers),
            // only hashes salted per origin; see saltedId() for the threat model.
            device.deviceId = salt_ ? saltedId("deviceId", salt, description.id) : description.id;
            device.groupId =
                    salt_ ? saltedId("groupId", salt, description.groupId) : description.groupId;
            device.description = std::move(description);
            devices.push_back(std::move(device));
        }
    }
    return devices;
}

void DeviceRegistry::onDevicesChanged()
{
    if (onChange_)
        onChange_();
}

} // namespace usermedia
