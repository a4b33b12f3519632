// SPDX-License-Identifier: MIT
// One opened fake device: a capture thread paced by the injected Clock that delivers the test
// pattern or the tone, and injects the faults its spec asks for.
#pragma once

#include <memory>
#include <optional>
#include <thread>

#include <usermedia/clock.h>

#include "backends/backend.h"
#include "backends/fake/fake_device_spec.h"
#include "backends/fake/hotplug_state.h"

namespace usermedia::fake {

class FrameProducer;

/**
 * Thread: configure/start/stop/description from one thread at a time (the core's); the sink is
 * called on the capture thread that start() spawns.
 */
class FakeDevice final : public Device
{
public:
    FakeDevice(FakeDeviceSpec spec, std::shared_ptr<Clock> clock,
               std::shared_ptr<HotplugState> hotplug);
    ~FakeDevice() override;
    FakeDevice(const FakeDevice&) = delete;
    FakeDevice& operator=(const FakeDevice&) = delete;

    const DeviceDescription& description() const override { return spec_.description; }

    /**
     * \brief Picks one of the device's modes; a range [min, max] must lie within the mode's
     * range, and capture runs at max. Errors: NotFoundError (not a mode of this device),
     * InvalidStateError (while started).
     */
    Result<void> configure(const NativeVideoMode& mode) override;
    Result<void> configure(const NativeAudioMode& mode) override;

    /**
     * \brief Starts capture in the configured mode (the first mode if none was configured):
     * frame n is due at start + n / frameRate; audio chunk k is delivered when its 10 ms are
     * complete. Errors: InvalidStateError (already started), NotReadableError (unplugged).
     */
    Result<void> start(CaptureSink& sink) override;
    void stop() override;

private:
    void run(CaptureSink& sink);
    bool stalledAt(std::uint64_t frame) const;

    const FakeDeviceSpec spec_;
    const std::shared_ptr<Clock> clock_;
    const std::shared_ptr<HotplugState> hotplug_;
    std::optional<NativeVideoMode> videoMode_;
    std::optional<NativeAudioMode> audioMode_;
    // Created by start(), used by the capture thread, released by stop() after the join.
    std::unique_ptr<Clock::Sleeper> sleeper_;
    std::unique_ptr<FrameProducer> producer_;
    std::thread thread_;
};

} // namespace usermedia::fake
