// SPDX-License-Identifier: MIT
// A device whose frames the caller feeds, for driving a real CaptureSource and its tracks from
// the calling thread: open it through HandFedBackend, then call the source's onVideoFrame() /
// onAudioChunk() with frames of your choosing (timestamps, sizes, order). Used by unit tests and
// by bench/pipeline_bench.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "core/capture_source.h"
#include "core/track_host.h"

namespace usermedia::testing {

/** Accepts every mode and start(); delivers nothing by itself. */
class HandFedDevice final : public Device
{
public:
    explicit HandFedDevice(DeviceDescription description) : description_(std::move(description)) {}
    const DeviceDescription& description() const override { return description_; }
    Result<void> configure(const NativeVideoMode& /*mode*/) override { return {}; }
    Result<void> configure(const NativeAudioMode& /*mode*/) override { return {}; }
    Result<void> start(CaptureSink& /*sink*/) override { return {}; }
    void stop() override {}

private:
    DeviceDescription description_;
};

/** Opens a HandFedDevice for any id. */
class HandFedBackend final : public Backend
{
public:
    std::string_view name() const override { return "hand-fed"; }
    Result<void> probe() override { return {}; }
    std::vector<DeviceDescription> enumerate() override { return {}; }
    void watch(HotplugListener* /*listener*/) override {}
    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        DeviceDescription description;
        description.id = std::string(id);
        return std::unique_ptr<Device>(new HandFedDevice(description));
    }
};

/** Runs posted tasks at once, on the calling thread; applyConstraints is not supported. */
class InlineTrackHost final : public TrackHost
{
public:
    void post(std::function<void()> task) override { task(); }
    Promise<void> applyConstraints(std::shared_ptr<MediaStreamTrack::Impl> /*track*/,
                                   const MediaTrackConstraints& /*constraints*/) override
    {
        return Promise<void>::settled(Error{ErrorName::NotSupportedError, "hand-fed", {}, 0});
    }
    void release(std::shared_ptr<CaptureSource> /*source*/) override {}
};

} // namespace usermedia::testing
