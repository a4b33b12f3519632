// SPDX-License-Identifier: MIT
#include "backends/alsa/alsa_backend.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "backends/common/node_hotplug.h"
#include "backends/common/physical_device.h"
#include "base/log.h"
#include "pipeline/audio/audio_chunker.h"

namespace usermedia::alsa {

namespace {

constexpr std::array kRates{48000U, 44100U, 32000U, 16000U, 8000U, 96000U, 22050U, 88200U, 192000U};
constexpr unsigned kMaxChannels = 8;

int bitsOf(audio::PcmFormat format)
{
    switch (format) {
    case audio::PcmFormat::S16:
        return 16;
    case audio::PcmFormat::S24In32:
        return 24;
    case audio::PcmFormat::S32:
    case audio::PcmFormat::F32:
        return 32;
    }
    return 16;
}

Error alsaError(ErrorName name, const std::string& what, int error)
{
    return Error{name, "alsa: " + what + ": " + std::strerror(error), "", error};
}

class AlsaDevice final : public Device
{
public:
    AlsaDevice(DeviceDescription description, HwRanges ranges, std::shared_ptr<AlsaSys> sys,
               std::shared_ptr<Clock> clock)
        : description_(std::move(description)),
          ranges_(std::move(ranges)),
          sys_(std::move(sys)),
          clock_(std::move(clock))
    {}

    ~AlsaDevice() override { stop(); }

    const DeviceDescription& description() const override { return description_; }

    Result<void> configure(const NativeVideoMode& /*mode*/) override
    {
        return Error{ErrorName::NotFoundError, "alsa: a PCM is no camera", "", 0};
    }

    Result<void> configure(const NativeAudioMode& mode) override
    {
        if (std::find(description_.audioModes.begin(), description_.audioModes.end(), mode) ==
            description_.audioModes.end())
            return Error{ErrorName::NotFoundError,
                         "alsa: " + description_.label + " has no such mode", "", 0};
        mode_ = mode;
        return {};
    }

    Result<void> start(CaptureSink& sink) override
    {
        stop();
        const NativeAudioMode mode = mode_.value_or(description_.audioModes.front());
        const audio::PcmFormat format = ranges_.formats.front();
        const auto rate = static_cast<unsigned>(mode.sampleRate);
        const auto channels = static_cast<unsigned>(mode.channels);
        // `latency` sets the period: how much the driver gathers per wake-up (10 ms at least).
        const auto period = static_cast<unsigned long>(std::max(0.01, mode.latency) *
                                                       static_cast<double>(rate));
        auto stream = sys_->open(description_.id, format, rate, channels, period);
        if (!stream) {
            Error error = stream.error();
            // Busy (another program has the hardware) and every other refusal: NotReadable.
            error.name = ErrorName::NotReadableError;
            return error;
        }
        stream_ = std::move(*stream);
        running_.store(true);
        thread_ = std::thread([this, &sink, format, rate, channels, period] {
            captureLoop(sink, format, rate, channels, period);
        });
        return {};
    }

    void stop() override
    {
        if (!thread_.joinable())
            return;
        running_.store(false);
        stream_->abort();
        thread_.join();
        stream_.reset();
        if (xruns_ > 0)
            UM_LOG(Alsa, Info) << description_.label << ": recovered from " << xruns_
                               << " overruns";
    }

    std::uint64_t xruns() const { return xruns_; }

private:
    // Capture thread.
    void captureLoop(CaptureSink& sink, audio::PcmFormat format, unsigned rate, unsigned channels,
                     unsigned long period)
    {
        audio::AudioChunker chunker(static_cast<int>(rate), static_cast<int>(channels));
        std::vector<std::uint8_t> raw(period * channels * audio::bytesPerSample(format));
        std::vector<float> samples(period * channels);
        while (running_.load()) {
            const long got = stream_->read(raw.data(), period);
            if (!running_.load())
                break;
            if (got == -EPIPE || got == -ESTRPIPE || got == -EINTR) {
                // An overrun (we were late) or a suspend: recover and go on, counting it.
                if (got == -EPIPE)
                    ++xruns_;
                if (stream_->recover(static_cast<int>(got)) == 0)
                    continue;
            }
            if (got < 0) {
                sink.onCaptureError(alsaError(ErrorName::NotReadableError,
                                              "reading " + description_.label,
                                              static_cast<int>(-got)));
                return;
            }
            if (got == 0)
                continue;
            audio::toFloat(format, raw.data(), static_cast<std::size_t>(got) * channels,
                           samples.data());
            // The first frame read was captured (frames still buffered + this read) ago.
            const long buffered = std::max(0L, stream_->delay());
            const auto age = std::chrono::nanoseconds((buffered + got) * 1'000'000'000LL / rate);
            chunker.push(samples.data(), static_cast<int>(got), clock_->now() - age, sink);
        }
    }

    const DeviceDescription description_;
    const HwRanges ranges_;
    const std::shared_ptr<AlsaSys> sys_;
    const std::shared_ptr<Clock> clock_;
    std::optional<NativeAudioMode> mode_;
    std::unique_ptr<PcmStream> stream_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> xruns_{0};
};

class AlsaBackend final : public Backend
{
public:
    explicit AlsaBackend(BackendOptions options)
        : clock_(options.clock ? std::move(options.clock) : systemClock()),
          sys_(options.sys ? std::move(options.sys) : realAlsaSys()),
          options_(std::move(options)),
          // A sound card's nodes come and go in /dev/snd with its driver (USB plug, modprobe).
          hotplug_("alsa", options_.deviceDirectory, isCaptureNode, options_.watchDirectory)
    {}

    std::string_view name() const override { return "alsa"; }

    Result<void> probe() override
    {
        if (!sys_->hasCards())
            return Error{ErrorName::NotFoundError, "alsa: no sound cards", "", 0};
        return {};
    }

    std::vector<DeviceDescription> enumerate() override
    {
        std::vector<DeviceDescription> devices;
        for (const PcmInfo& pcm : sys_->listCapturePcms()) {
            DeviceDescription d;
            d.id = pcm.name;
            d.kind = MediaDeviceKind::AudioInput;
            d.label = pcm.label;
            d.groupId = groupIdOf(pcm);
            auto ranges = sys_->ranges(pcm.name);
            if (ranges) {
                d.audioModes = modesFor(*ranges);
            } else if (ranges.error().osError == EBUSY) {
                // Busy now (another program records from it): still a device; opening it will
                // say NotReadableError. Report the usual mode so it can be chosen.
                d.audioModes = {NativeAudioMode{48000, 2, 16, 0.01}};
            }
            if (!d.audioModes.empty())
                devices.push_back(std::move(d));
        }
        return devices;
    }

    void watch(HotplugListener* listener) override { hotplug_.watch(listener); }

    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        for (auto& description : enumerate()) {
            if (description.id != id)
                continue;
            auto ranges = sys_->ranges(description.id);
            if (!ranges) {
                Error error = ranges.error();
                error.name = ErrorName::NotReadableError;
                return error;
            }
            return std::unique_ptr<Device>(std::make_unique<AlsaDevice>(
                    std::move(description), std::move(*ranges), sys_, clock_));
        }
        return Error{ErrorName::NotFoundError, "alsa: no capture PCM '" + std::string(id) + "'", "",
                     0};
    }

private:
    // The card's physical device in sysfs, as V4L2 finds a camera's, so a webcam's microphone
    // and camera share a group; else the card id, which still groups the card's PCMs.
    std::string groupIdOf(const PcmInfo& pcm) const
    {
        std::string fallback = "alsa:" + (pcm.cardId.empty() ? pcm.name : pcm.cardId);
        if (pcm.card < 0)
            return fallback;
        const std::string link = options_.sysfsDirectory + "/class/sound/card" +
                                 std::to_string(pcm.card) + "/device";
        return backends::groupIdOfDeviceLink(link).value_or(std::move(fallback));
    }

    const std::shared_ptr<Clock> clock_;
    const std::shared_ptr<AlsaSys> sys_;
    const BackendOptions options_;
    backends::NodeHotplug hotplug_; // last: its watcher stops before the members go
};

} // namespace

std::vector<NativeAudioMode> modesFor(const HwRanges& ranges)
{
    std::vector<NativeAudioMode> modes;
    if (ranges.formats.empty() || ranges.minChannels == 0)
        return modes;
    const int bits = bitsOf(ranges.formats.front());
    const unsigned maxChannels = std::min(ranges.maxChannels, kMaxChannels);
    // Mono and stereo first when the hardware can (what applications ask for), then the rest.
    std::vector<unsigned> channelCounts;
    for (const unsigned c : {2U, 1U}) {
        if (c >= ranges.minChannels && c <= maxChannels)
            channelCounts.push_back(c);
    }
    for (unsigned c = ranges.minChannels; c <= maxChannels; ++c) {
        if (c > 2)
            channelCounts.push_back(c);
    }
    for (const unsigned rate : kRates) {
        if (rate < ranges.minRate || rate > ranges.maxRate)
            continue;
        for (const unsigned c : channelCounts)
            modes.push_back({static_cast<int>(rate), static_cast<int>(c), bits, 0.01});
    }
    if (modes.empty() && ranges.minRate > 0) {
        // An unusual fixed rate (e.g. 11025 or 384000): offer it as it is.
        for (const unsigned c : channelCounts)
            modes.push_back({static_cast<int>(ranges.minRate), static_cast<int>(c), bits, 0.01});
    }
    return modes;
}

bool isCaptureNode(std::string_view name)
{
    // pcmC<card>D<device>c (capture; playback ends in p) and controlC<card> (a card comes or
    // goes; its PCMs follow).
    auto digits = [](std::string_view text) {
        return !text.empty() &&
               std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (name.rfind("controlC", 0) == 0)
        return digits(name.substr(8));
    if (name.rfind("pcmC", 0) != 0 || name.size() < 4 || name.back() != 'c')
        return false;
    const auto body = name.substr(4, name.size() - 5);
    const auto d = body.find('D');
    return d != std::string_view::npos && digits(body.substr(0, d)) && digits(body.substr(d + 1));
}

std::unique_ptr<Backend> createAlsaBackend(BackendOptions options)
{
    return std::make_unique<AlsaBackend>(std::move(options));
}

std::unique_ptr<Backend> createAlsaBackend(std::shared_ptr<Clock> clock,
                                           std::shared_ptr<AlsaSys> sys)
{
    BackendOptions options;
    options.clock = std::move(clock);
    options.sys = std::move(sys);
    return createAlsaBackend(std::move(options));
}

} // namespace usermedia::alsa
