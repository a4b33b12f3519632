// SPDX-License-Identifier: MIT
#include "backends/pulse/pulse_backend.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <string>

#include "backends/common/physical_device.h"
#include "backends/pulse/pulse_device.h"
#include "backends/pulse/pulse_echo_reference.h"
#include "backends/pulse/pulse_loop.h"
#include "base/log.h"

namespace usermedia::pulse {

namespace {

// The buffering a track may ask for with `latency`; the record stream's fragment size follows.
constexpr std::array kLatencies{0.01, 0.02, 0.05, 0.1};
constexpr std::array kRates{48000, 44100, 32000, 16000, 8000, 96000};

// The raw data of one source, as the server reported it.
struct SourceInfo
{
    std::string name;
    std::string description;
    std::string groupId;
    bool monitor = false;
    pa_sample_spec spec{};
};

std::string propOr(const pa_proplist* props, const char* key, const std::string& fallback)
{
    const char* value = props ? pa_proplist_gets(props, key) : nullptr;
    return value && *value ? value : fallback;
}

class PulseBackend final : public Backend
{
public:
    explicit PulseBackend(std::shared_ptr<Clock> clock)
        : clock_(clock ? std::move(clock) : systemClock()),
          loop_("usermedia")
    {}

    ~PulseBackend() override
    {
        watch(nullptr);
        // PulseLoop's destructor stops the loop thread before the members it calls die.
    }

    std::string_view name() const override { return "pulse"; }

    Result<void> probe() override
    {
        loop_.setStateCallback([this](pa_context_state_t state) { onState(state); });
        auto connected = loop_.connect();
        if (!connected)
            return connected;
        PulseLoop::Lock lock(loop_);
        subscribe();
        return {};
    }

    std::vector<DeviceDescription> enumerate() override
    {
        std::vector<SourceInfo> sources;
        std::string defaultName;
        {
            PulseLoop::Lock lock(loop_);
            if (!ready_)
                return {};
            const auto defaults = loop_.serverDefaults(lock);
            if (!defaults)
                return {};
            defaultName = defaults->source;
            scratchSources_.clear();
            pa_operation* op = pa_context_get_source_info_list(
                    loop_.context(),
                    [](pa_context* /*c*/, const pa_source_info* info, int eol, void* self) {
                        auto* me = static_cast<PulseBackend*>(self);
                        if (eol == 0 && info) {
                            SourceInfo source;
                            source.name = info->name ? info->name : "";
                            source.description =
                                    info->description ? info->description : source.name;
                            source.monitor = info->monitor_of_sink != PA_INVALID_INDEX;
                            source.spec = info->sample_spec;
                            // One physical unit: the card's device in sysfs, as ALSA and V4L2
                            // find it (a webcam's mic groups with its camera); else its bus
                            // path (a headset's mic and the monitor of its speakers share it).
                            const std::string unit = source.monitor && info->monitor_of_sink_name
                                                             ? info->monitor_of_sink_name
                                                             : source.name;
                            source.groupId = backends::soundCardGroupId(
                                    propOr(info->proplist, "sysfs.path", ""),
                                    "pulse:" +
                                            propOr(info->proplist, "device.bus_path",
                                                   propOr(info->proplist, "alsa.card_name", unit)));
                            me->scratchSources_.push_back(std::move(source));
                        }
                        me->loop_.signal();
                    },
                    this);
            if (!loop_.waitFor(lock, op))
                return {};
            sources = std::move(scratchSources_);
        }
        return describe(sources, defaultName);
    }

    void watch(HotplugListener* listener) override
    {
        std::lock_guard lock(listenerMutex_);
        listener_ = listener;
    }

    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        for (auto& description : enumerate()) {
            if (description.id == id) {
                const std::string source = id == kDefaultDeviceId ? std::string() : description.id;
                return openPulseDevice(std::move(description), source, clock_);
            }
        }
        return Error{ErrorName::NotFoundError,
                     "pulse: no source '" + std::string(id) + "' on the server", "", 0};
    }

    // The default sink's monitor at 48 kHz mono (the canceller's rate; a mono far end is what
    // it analyses), shared by every source of this backend.
    std::shared_ptr<audio::EchoReference> openEchoReference() override
    {
        return echoHub_.acquire(48000, 1, [this](const std::shared_ptr<audio::EchoReference>& ref) {
            return recordMonitor(ref);
        });
    }

private:
    std::unique_ptr<audio::EchoReferenceHub::Handle>
    recordMonitor(const std::shared_ptr<audio::EchoReference>& reference)
    {
        auto opened = openPulseEchoReference(reference, clock_);
        if (!opened) {
            UM_LOG(Pulse, Warn) << "no echo reference: " << opened.error().message;
            return nullptr;
        }
        return std::move(*opened);
    }

    static std::vector<DeviceDescription> describe(const std::vector<SourceInfo>& sources,
                                                   const std::string& defaultName)
    {
        std::vector<DeviceDescription> devices;
        auto make = [](const SourceInfo& source) {
            DeviceDescription d;
            d.id = source.name;
            d.kind = MediaDeviceKind::AudioInput;
            d.label = source.description;
            // Monitors capture what the machine plays; mark them whatever the server calls them.
            if (source.monitor && d.label.rfind("Monitor of ", 0) != 0)
                d.label = "Monitor of " + d.label;
            d.groupId = source.groupId;
            d.audioModes = modesFor(source.spec);
            return d;
        };
        // Chromium's order: "default" first (labelled "Default - ..."), then the default source
        // under its own id, then the other inputs, then the monitors.
        const auto defaultSource = std::find_if(sources.begin(), sources.end(), [&](const auto& s) {
            return s.name == defaultName;
        });
        if (defaultSource != sources.end()) {
            DeviceDescription d = make(*defaultSource);
            d.id = std::string(kDefaultDeviceId);
            d.label = "Default - " + d.label;
            devices.push_back(std::move(d));
            devices.push_back(make(*defaultSource));
        }
        for (const bool monitors : {false, true}) {
            for (const auto& source : sources) {
                if (source.monitor == monitors && source.name != defaultName)
                    devices.push_back(make(source));
            }
        }
        return devices;
    }

    // Loop thread or locked.
    void subscribe()
    {
        pa_context_set_subscribe_callback(
                loop_.context(),
                [](pa_context* /*c*/, pa_subscription_event_type_t type, std::uint32_t /*index*/,
                   void* self) {
                    const auto facility = type & PA_SUBSCRIPTION_EVENT_FACILITY_MASK;
                    const auto kind = type & PA_SUBSCRIPTION_EVENT_TYPE_MASK;
                    // Source property changes (volume, state) are not device changes.
                    if (facility == PA_SUBSCRIPTION_EVENT_SERVER ||
                        (facility == PA_SUBSCRIPTION_EVENT_SOURCE &&
                         kind != PA_SUBSCRIPTION_EVENT_CHANGE))
                        static_cast<PulseBackend*>(self)->notify();
                },
                this);
        pa_operation* op = pa_context_subscribe(
                loop_.context(),
                static_cast<pa_subscription_mask_t>(PA_SUBSCRIPTION_MASK_SOURCE |
                                                    PA_SUBSCRIPTION_MASK_SERVER),
                nullptr, nullptr);
        if (op)
            pa_operation_unref(op);
    }

    // Loop thread.
    void onState(pa_context_state_t state)
    {
        if (state == PA_CONTEXT_READY) {
            const bool again = everReady_;
            ready_ = true;
            everReady_ = true;
            if (again) {
                UM_LOG(Pulse, Info) << "the server is back";
                subscribe();
                notify();
            }
        } else if (state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED) {
            const bool was = ready_;
            ready_ = false;
            if (was) {
                UM_LOG(Pulse, Info) << "the server went away; waiting for it to return";
                notify(); // its sources are gone
            }
            // After the first success, keep trying until the server is back (it restarts after
            // a crash or a user's `pulseaudio -k`).
            if (everReady_)
                loop_.reconnectLater();
        }
    }

    // Loop thread. The listener only posts to the control thread, never re-enters us here.
    void notify()
    {
        std::lock_guard lock(listenerMutex_);
        if (listener_)
            listener_->onDevicesChanged();
    }

    const std::shared_ptr<Clock> clock_;
    audio::EchoReferenceHub echoHub_;
    std::mutex listenerMutex_;
    HotplugListener* listener_ = nullptr; // guarded by listenerMutex_
    // Loop thread, or with the loop locked.
    bool ready_ = false;
    bool everReady_ = false;
    std::vector<SourceInfo> scratchSources_;
    PulseLoop loop_; // last: its destructor stops the thread that uses the members above
};

} // namespace

std::vector<NativeAudioMode> modesFor(const pa_sample_spec& spec)
{
    std::vector<NativeAudioMode> modes;
    const int bits = pa_sample_spec_valid(&spec) ? static_cast<int>(pa_sample_size(&spec)) * 8 : 16;
    auto add = [&](int rate, int channels) {
        for (const double latency : kLatencies) {
            NativeAudioMode mode{rate, channels, bits, latency};
            if (std::find(modes.begin(), modes.end(), mode) == modes.end())
                modes.push_back(mode);
        }
    };
    if (pa_sample_spec_valid(&spec))
        add(static_cast<int>(spec.rate), spec.channels);
    for (const int rate : kRates) {
        for (const int channels : {1, 2})
            add(rate, channels);
    }
    return modes;
}

std::unique_ptr<Backend> createPulseBackend(std::shared_ptr<Clock> clock)
{
    return std::make_unique<PulseBackend>(std::move(clock));
}

} // namespace usermedia::pulse
