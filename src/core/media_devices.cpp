// SPDX-License-Identifier: MIT
#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include <unistd.h>

#include <usermedia/media_devices.h>

#include "base/event_loop.h"
#include "base/log.h"
#include "constraints/explain.h"
#include "constraints/select_settings.h"
#include "core/capture_source.h"
#include "core/device_registry.h"
#include "core/permission_broker.h"
#include "core/track_host.h"
#include "core/track_impl.h"

namespace usermedia {
namespace {

Error typeError(std::string message)
{
    return Error{ErrorName::TypeError, std::move(message), {}, 0};
}

PermissionBrokerOptions brokerOptions(const MediaDevicesOptions& options, const std::string& origin,
                                      const std::shared_ptr<Clock>& clock)
{
    PermissionBrokerOptions broker;
    broker.origin = origin;
    broker.policy = options.permissionPolicy;
    broker.prompt = options.prompt;
    broker.promptTimeout = options.promptTimeout;
    broker.clock = clock;
    broker.useStore = true; // for the id salt only, under a fixed policy
    broker.storeDirectory = options.permissionStoreDirectory;
    return broker;
}

std::string executablePath()
{
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("unknown-application") : path.string();
}

std::string fakeDevicesFrom(const MediaDevicesOptions& options)
{
    if (!options.fakeDevices.empty() || options.ignoreEnvironment)
        return options.fakeDevices;
    const char* env = std::getenv("USERMEDIA_FAKE_DEVICES");
    return env ? env : "";
}

VideoSourceCandidate videoCandidate(const RegisteredDevice& device)
{
    return {device.deviceId, device.groupId, device.description.facingMode,
            device.description.videoModes};
}

AudioSourceCandidate audioCandidate(const RegisteredDevice& device)
{
    return {device.deviceId, device.groupId, device.description.audioModes};
}

// What one kind of a getUserMedia call resolved to, before anything is opened.
struct PlannedTrack
{
    RegisteredDevice device;
    NativeVideoMode videoMode;
    NativeAudioMode audioMode;
    MediaTrackSettings settings;
    MediaTrackConstraints constraints;
    MediaTrackCapabilities capabilities;
};

struct Plan
{
    std::optional<PlannedTrack> audio;
    std::optional<PlannedTrack> video;
};

} // namespace

/**
 * The state behind MediaDevices: the control loop, the registry, the permission broker and the
 * open sources (weakly: tracks own them).
 * Thread: public members thread-safe; run*() and every member touching sources_ run on loop_.
 */
class MediaDevices::Impl final : public TrackHost,
                                 public std::enable_shared_from_this<MediaDevices::Impl>
{
public:
    Impl(MediaDevicesOptions options, std::string origin)
        : options_(std::move(options)),
          origin_(std::move(origin)),
          clock_(options_.clock ? options_.clock : systemClock()),
          broker_(brokerOptions(options_, origin_, clock_))
    {}

    ~Impl() override
    {
        // First, so no revocation from the store watcher reaches a half-destroyed context.
        broker_.stopWatching();
        registry_.reset(); // no more hotplug callbacks
        loop_.stop();
    }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    Result<void> init(const std::string& fakeDevices)
    {
        std::weak_ptr<Impl> weak = weak_from_this();
        auto registry = DeviceRegistry::create(fakeDevices, clock_, [weak] {
            postFromAnyThread(weak, [](Impl& self) { self.fireDeviceChange(); });
        });
        if (!registry)
            return registry.error();
        registry_ = std::move(*registry);
        registry_->setIdSalt([this] { return broker_.salt(); });
        // Runs on the caller of setPermission() or on the broker's watcher thread, which
        // ~Impl joins first: `this` outlives every call.
        broker_.watch([this, weak](PermissionName name) {
            post([weak, name] {
                if (auto self = weak.lock())
                    self->endTracksOfKind(name);
            });
        });
        return {};
    }

    PermissionState queryPermission(PermissionName name) const { return broker_.state(name); }
    Result<void> setPermission(PermissionName name, PermissionState state)
    {
        return broker_.setState(name, state);
    }

    /**
     * Runs \p task on the control thread, if the context still exists, from any thread. The
     * calling thread keeps no reference: were it the last, the context would be destroyed on a
     * backend, timer or prompt thread and would have to join that very thread.
     */
    static void postFromAnyThread(const std::weak_ptr<Impl>& weak, std::function<void(Impl&)> task)
    {
        auto self = weak.lock();
        if (!self)
            return;
        EventLoop& loop = self->loop_;
        loop.post([self = std::move(self), task = std::move(task)] { task(*self); });
    }

    // ---- TrackHost ----

    // Every task may change which devices are in use (tracks post here when they stop, end or
    // go away), so each is followed by a check of that set on the control thread.
    void post(std::function<void()> task) override
    {
        std::weak_ptr<Impl> weak = weak_from_this();
        std::function<void()> checked = [weak, task = std::move(task)]() mutable {
            task();
            task = nullptr; // what the task owned goes first (it may own the context)
            if (auto self = weak.lock())
                self->updateDevicesInUse();
        };
        if (!loop_.post(std::move(checked)))
            checked(); // the loop is stopping: run here rather than lose teardown work
    }

    void release(std::shared_ptr<CaptureSource> source) override
    {
        // Captured by value: the task's copy may be the last one, stopping the device on the
        // control thread.
        post([source = std::move(source)]() mutable { source.reset(); });
    }

    Promise<void> applyConstraints(std::shared_ptr<TrackImpl> track,
                                   const MediaTrackConstraints& constraints) override
    {
        Promise<void> promise;
        auto self = shared_from_this();
        post([self, track, constraints, promise] {
            promise.settle(self->runApplyConstraints(*track, constraints));
        });
        return promise;
    }

    // ---- MediaDevices ----

    Promise<MediaStream> getUserMedia(const MediaStreamConstraints& constraints)
    {
        Promise<MediaStream> promise;
        auto self = shared_from_this();
        post([self, constraints, promise] { self->runGetUserMedia(constraints, promise); });
        return promise;
    }

    Promise<ProbeResult> probe(const MediaStreamConstraints& constraints)
    {
        Promise<ProbeResult> promise;
        auto self = shared_from_this();
        post([self, constraints, promise] {
            auto plan = self->plan(constraints);
            if (!plan) {
                promise.settle(plan.error());
                return;
            }
            self->askPermission(*plan, [promise, plan = *plan](Impl&, Result<void> allowed) {
                if (!allowed) {
                    promise.settle(allowed.error());
                    return;
                }
                ProbeResult result;
                if (plan.audio)
                    result.audio = ProbedTrack{plan.audio->device.info(), plan.audio->settings};
                if (plan.video)
                    result.video = ProbedTrack{plan.video->device.info(), plan.video->settings};
                promise.settle(result);
            });
        });
        return promise;
    }

    // probe() with an explanation per kind; selection failures are reported, not rejected.
    Promise<ProbeReport> explain(const MediaStreamConstraints& constraints)
    {
        Promise<ProbeReport> promise;
        auto self = shared_from_this();
        post([self, constraints, promise] {
            if (!constraints.video && !constraints.audio) {
                promise.settle(typeError("explain needs at least one of audio and video"));
                return;
            }
            const auto devices = self->registry_->enumerate();
            ProbeReport report;
            Plan plan;
            // Audio first, as plan() does, so that report.error is what probe() rejects with.
            for (const bool video : {false, true}) {
                const auto& wanted = video ? constraints.video : constraints.audio;
                if (!wanted)
                    continue;
                const auto kind = video ? MediaDeviceKind::VideoInput : MediaDeviceKind::AudioInput;
                SelectionExplanation explanation;
                explanation.kind = kind;
                auto planned = self->planKind(devices, *wanted, kind, &explanation);
                if (planned) {
                    (video ? plan.video : plan.audio) = std::move(*planned);
                } else {
                    if (explanation.summary.empty())
                        explanation.summary = planned.error().message; // no device of the kind
                    if (!report.error)
                        report.error = planned.error();
                }
                (video ? report.video : report.audio) = std::move(explanation);
            }
            // Permission for every requested kind: the report names devices and their modes.
            PermissionRequest request;
            request.origin = self->origin_;
            request.camera = constraints.video.has_value();
            request.microphone = constraints.audio.has_value();
            for (const auto* planned : {&plan.video, &plan.audio}) {
                if (*planned)
                    request.devices.push_back((*planned)->device.info());
            }
            std::weak_ptr<Impl> weak = self;
            self->broker_.request(request, [weak, promise, plan, report](Result<void> allowed) {
                // The prompt may answer from another thread: settle on the control thread.
                postFromAnyThread(weak, [promise, plan, report, allowed](Impl&) mutable {
                    if (!allowed) {
                        promise.settle(allowed.error());
                        return;
                    }
                    if (plan.audio)
                        report.result.audio =
                                ProbedTrack{plan.audio->device.info(), plan.audio->settings};
                    if (plan.video)
                        report.result.video =
                                ProbedTrack{plan.video->device.info(), plan.video->settings};
                    promise.settle(std::move(report));
                });
            });
        });
        return promise;
    }

    Promise<std::vector<MediaDeviceInfo>> enumerateDevices()
    {
        Promise<std::vector<MediaDeviceInfo>> promise;
        auto self = shared_from_this();
        post([self, promise] { promise.settle(self->runEnumerate()); });
        return promise;
    }

    ListenerId addListener(std::string type, std::function<void()> listener)
    {
        std::lock_guard lock(mutex_);
        const ListenerId id = nextListener_++;
        listeners_.push_back({id, std::move(type), std::move(listener)});
        return id;
    }

    // As removeSink(): once this returns, the listener is not running and will not run again,
    // except when called from a listener (on the control thread), which cannot wait for itself.
    void removeListener(ListenerId id)
    {
        std::unique_lock lock(mutex_);
        std::erase_if(listeners_, [id](const Listener& entry) { return entry.id == id; });
        if (!loop_.isCurrent())
            dispatchDone_.wait(lock, [&] { return dispatching_ != id; });
    }

    std::vector<DeviceInUse> devicesInUse() const
    {
        std::lock_guard lock(mutex_);
        return devicesInUse_;
    }

    const std::string& origin() const { return origin_; }
    const std::shared_ptr<Clock>& clock() const { return clock_; }

private:
    // Privacy as in browsers: before a kind is granted, show one entry for it with empty
    // label, deviceId and groupId, so a page learns only that such a device exists.
    std::vector<MediaDeviceInfo> runEnumerate()
    {
        std::vector<MediaDeviceInfo> out;
        bool cameraPlaceholder = false;
        bool microphonePlaceholder = false;
        for (const auto& device : registry_->enumerate()) {
            const bool camera = device.description.kind == MediaDeviceKind::VideoInput;
            const auto permission =
                    broker_.state(camera ? PermissionName::Camera : PermissionName::Microphone);
            if (permission == PermissionState::Granted) {
                out.push_back(device.info());
                continue;
            }
            bool& shown = camera ? cameraPlaceholder : microphonePlaceholder;
            if (!shown) {
                shown = true;
                out.push_back({"", device.description.kind, "", ""});
            }
        }
        return out;
    }

    void fireDeviceChange() { fire("devicechange"); }

    // Control thread; listeners run without the lock, so they may call back in. Each runs only
    // if still registered when its turn comes, and marked as running, for removeListener().
    void fire(std::string_view type)
    {
        std::vector<std::pair<ListenerId, std::function<void()>>> listeners;
        {
            std::lock_guard lock(mutex_);
            for (const auto& entry : listeners_) {
                if (entry.type == type)
                    listeners.emplace_back(entry.id, entry.listener);
            }
        }
        for (auto& [id, listener] : listeners) {
            {
                std::lock_guard lock(mutex_);
                const ListenerId wanted = id;
                if (std::none_of(listeners_.begin(), listeners_.end(),
                                 [wanted](const Listener& entry) { return entry.id == wanted; }))
                    continue;
                dispatching_ = id;
            }
            listener();
            {
                std::lock_guard lock(mutex_);
                dispatching_ = 0;
            }
            dispatchDone_.notify_all();
        }
    }

    // Control thread: recomputes devicesInUse() from the open sources and fires
    // "capturechange" when it differs. A source counts while it feeds a live track: a stopping
    // track detaches from its source before it posts here, so the set is already right when
    // this runs after that post.
    void updateDevicesInUse()
    {
        std::vector<DeviceInUse> now;
        for (const auto& entry : sources_) {
            const auto source = entry.second.lock();
            if (!source || source->failed() || source->tracks().empty())
                continue;
            const RegisteredDevice& device = source->device();
            now.push_back({device.description.kind, device.description.label, device.deviceId,
                           device.groupId, origin_});
        }
        std::sort(now.begin(), now.end(), [](const DeviceInUse& a, const DeviceInUse& b) {
            const bool aCamera = a.kind == MediaDeviceKind::VideoInput;
            const bool bCamera = b.kind == MediaDeviceKind::VideoInput;
            return aCamera != bCamera ? aCamera : a.label < b.label;
        });
        {
            std::lock_guard lock(mutex_);
            if (now == devicesInUse_)
                return;
            devicesInUse_ = std::move(now);
        }
        fire("capturechange");
    }

    // Open sources are keyed by the backend's own device id, which stays the same when the
    // application-visible ids change (a permission reset draws a new salt).
    static std::string sourceKey(const RegisteredDevice& device)
    {
        return std::string(device.backend->name()) + "/" + device.description.id;
    }

    // The source already open on a device, if any (so a second request shares it).
    std::shared_ptr<CaptureSource> openSource(const std::string& key)
    {
        const auto it = sources_.find(key);
        if (it == sources_.end())
            return nullptr;
        auto source = it->second.lock();
        if (!source || source->failed()) {
            sources_.erase(it);
            return nullptr;
        }
        return source;
    }

    // SelectSettings over the devices of one kind. A device already capturing offers only its
    // running mode, so its other tracks are not disturbed (Chromium does the same).
    // With \p explanation, selection also reports every candidate (explain()).
    Result<PlannedTrack> planKind(const std::vector<RegisteredDevice>& devices,
                                  const MediaTrackConstraints& constraints, MediaDeviceKind kind,
                                  SelectionExplanation* explanation = nullptr)
    {
        const bool video = kind == MediaDeviceKind::VideoInput;
        std::vector<const RegisteredDevice*> matches;
        std::vector<VideoSourceCandidate> videoCandidates;
        std::vector<AudioSourceCandidate> audioCandidates;
        for (const auto& device : devices) {
            if (device.description.kind != kind)
                continue;
            matches.push_back(&device);
            const auto running = openSource(sourceKey(device));
            if (video) {
                videoCandidates.push_back(videoCandidate(device));
                if (running)
                    videoCandidates.back().modes = {running->videoMode()};
            } else {
                audioCandidates.push_back(audioCandidate(device));
                if (running)
                    audioCandidates.back().modes = {running->audioMode()};
            }
        }
        if (matches.empty())
            return Error{ErrorName::NotFoundError,
                         video ? "no camera was found" : "no microphone was found"};
        PlannedTrack planned;
        if (video) {
            auto selected = selectVideoSettings(constraints, videoCandidates, explanation);
            if (!selected)
                return selected.error();
            planned.device = *matches[selected->deviceIndex];
            planned.videoMode = selected->nativeMode;
            planned.settings = selected->settings;
            planned.capabilities = videoCapabilities(videoCandidate(planned.device));
        } else {
            auto selected = selectAudioSettings(constraints, audioCandidates, explanation);
            if (!selected)
                return selected.error();
            planned.device = *matches[selected->deviceIndex];
            planned.audioMode = selected->nativeMode;
            planned.settings = selected->settings;
            planned.capabilities = audioCapabilities(audioCandidate(planned.device));
        }
        planned.constraints = constraints;
        return planned;
    }

    // SelectSettings for each requested kind.
    Result<Plan> plan(const MediaStreamConstraints& constraints)
    {
        if (!constraints.video && !constraints.audio)
            return typeError("getUserMedia needs at least one of audio and video to be requested");
        const auto devices = registry_->enumerate();
        Plan plan;
        if (constraints.audio) {
            auto planned = planKind(devices, *constraints.audio, MediaDeviceKind::AudioInput);
            if (!planned)
                return withheldUntilGranted(planned.error(), MediaDeviceKind::AudioInput);
            plan.audio = std::move(*planned);
        }
        if (constraints.video) {
            auto planned = planKind(devices, *constraints.video, MediaDeviceKind::VideoInput);
            if (!planned)
                return withheldUntilGranted(planned.error(), MediaDeviceKind::VideoInput);
            plan.video = std::move(*planned);
        }
        return plan;
    }

    // Selection fails before anyone is asked for permission, and its message describes the
    // devices ("the widest is 3840x2160"). Until the kind is granted, keep to what the spec lets
    // any page learn: the constraint's name, as Chromium reports it, and a message without
    // device details (spec: device information is exposed only once permitted).
    Error withheldUntilGranted(Error error, MediaDeviceKind kind) const
    {
        const bool camera = kind == MediaDeviceKind::VideoInput;
        if (error.name != ErrorName::OverconstrainedError ||
            broker_.state(camera ? PermissionName::Camera : PermissionName::Microphone) ==
                    PermissionState::Granted)
            return error;
        error.message = (error.constraint.empty() ? std::string() : error.constraint + ": ") +
                        "no " + (camera ? "camera" : "microphone") +
                        " satisfies the constraints (the devices' modes are shown once "
                        "permission is granted; usermedia probe --explain tells the nearest)";
        return error;
    }

    // Asks the broker, then runs \p done on the control thread. \p done travels through prompt
    // and timer threads, so it must not own the context (postFromAnyThread says why); it gets
    // the context as an argument instead. If the context dies first, \p done never runs.
    void askPermission(const Plan& plan, std::function<void(Impl&, Result<void>)> done)
    {
        PermissionRequest request;
        request.origin = origin_;
        request.camera = plan.video.has_value();
        request.microphone = plan.audio.has_value();
        if (plan.video)
            request.devices.push_back(plan.video->device.info());
        if (plan.audio)
            request.devices.push_back(plan.audio->device.info());
        std::weak_ptr<Impl> weak = weak_from_this();
        // The prompt may answer from another thread: continue on the control thread.
        broker_.request(request, [weak, done = std::move(done)](Result<void> allowed) {
            postFromAnyThread(weak, [done, allowed](Impl& self) { done(self, allowed); });
        });
    }

    void runGetUserMedia(const MediaStreamConstraints& constraints, Promise<MediaStream> promise)
    {
        auto planned = plan(constraints);
        if (!planned) {
            promise.settle(planned.error());
            return;
        }
        askPermission(*planned, [promise, plan = *planned](Impl& self, Result<void> allowed) {
            if (!allowed) {
                promise.settle(allowed.error());
                return;
            }
            promise.settle(self.open(plan));
        });
    }

    // Opens (or shares) the planned sources and makes the tracks: audio first, then video,
    // the order Chromium's getTracks() shows.
    Result<MediaStream> open(const Plan& plan)
    {
        std::vector<MediaStreamTrack> tracks;
        for (const auto* planned : {&plan.audio, &plan.video}) {
            if (!*planned)
                continue;
            const PlannedTrack& p = **planned;
            auto source = openSource(sourceKey(p.device));
            if (!source) {
                auto opened =
                        p.device.description.kind == MediaDeviceKind::VideoInput
                                ? CaptureSource::openVideo(p.device, p.videoMode,
                                                           sourceHandlers(sourceKey(p.device)))
                                : CaptureSource::openAudio(p.device, p.audioMode,
                                                           sourceHandlers(sourceKey(p.device)));
                if (!opened) {
                    Error error = opened.error();
                    if (error.name != ErrorName::NotFoundError)
                        error.name = ErrorName::NotReadableError; // the OS refused the device
                    for (auto& track : tracks)
                        track.stop();
                    return error;
                }
                source = *opened;
                sources_[sourceKey(p.device)] = source;
            }
            TrackImpl::Init init{p.device.description.kind, p.device.description.label, p.settings,
                                 p.constraints, p.capabilities};
            tracks.emplace_back(TrackImpl::create(shared_from_this(), source, std::move(init)));
        }
        // Before the promise settles: an application that got its stream sees it in use.
        updateDevicesInUse();
        return MediaStream(tracks);
    }

    // What a source reports from its capture thread, handled on the control thread: a failure
    // ends every track it fed; muting and unmuting set the tracks' `muted` and fire events.
    CaptureSource::Handlers sourceHandlers(const std::string& key)
    {
        std::weak_ptr<Impl> weak = weak_from_this();
        CaptureSource::Handlers handlers;
        handlers.onFailure = [weak, key](const Error&) {
            postFromAnyThread(weak, [key](Impl& self) { self.endTracksOf(key); });
        };
        handlers.onMuteChanged = [weak, key](bool muted) {
            postFromAnyThread(weak, [key, muted](Impl& self) {
                if (auto source = self.openSource(key)) {
                    for (const auto& track : source->tracks())
                        track->setMuted(muted);
                }
            });
        };
        return handlers;
    }

    // Revocation: every live track of the kind ends, as when a browser's site permission is
    // revoked. Sources stop when their last track goes.
    void endTracksOfKind(PermissionName name)
    {
        const auto kind = name == PermissionName::Camera ? MediaDeviceKind::VideoInput
                                                         : MediaDeviceKind::AudioInput;
        std::vector<std::shared_ptr<CaptureSource>> sources;
        for (auto it = sources_.begin(); it != sources_.end();) {
            auto source = it->second.lock();
            if (source && source->device().description.kind == kind) {
                sources.push_back(std::move(source));
                it = sources_.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& source : sources) {
            for (const auto& track : source->tracks())
                track->endFromSource();
        }
    }

    void endTracksOf(const std::string& key)
    {
        // Look the source up directly: openSource() skips failed sources.
        const auto it = sources_.find(key);
        if (it == sources_.end())
            return;
        const auto source = it->second.lock();
        sources_.erase(it);
        if (!source)
            return;
        for (const auto& track : source->tracks())
            track->endFromSource();
    }

    Result<void> runApplyConstraints(TrackImpl& track, const MediaTrackConstraints& constraints)
    {
        const auto source = track.source();
        if (!source)
            return Error{ErrorName::InvalidStateError, "the track has ended", {}, 0};
        const RegisteredDevice& device = source->device();
        const bool shared = source->tracks().size() > 1;
        MediaTrackSettings settings;
        if (track.kind() == MediaDeviceKind::VideoInput) {
            auto candidate = videoCandidate(device);
            // Other tracks on this source keep their frames: only the running mode is offered.
            if (shared)
                candidate.modes = {source->videoMode()};
            auto selected = selectVideoSettings(constraints, {&candidate, 1});
            if (!selected)
                return selected.error();
            if (auto changed = source->reconfigure(selected->nativeMode); !changed) {
                Error error = changed.error();
                error.name = ErrorName::NotReadableError;
                return error;
            }
            settings = selected->settings;
        } else {
            auto candidate = audioCandidate(device);
            candidate.modes = {source->audioMode()}; // audio devices are not restarted
            auto selected = selectAudioSettings(constraints, {&candidate, 1});
            if (!selected)
                return selected.error();
            settings = selected->settings;
        }
        track.update(std::move(settings), constraints);
        return {};
    }

    const MediaDevicesOptions options_;
    const std::string origin_;
    const std::shared_ptr<Clock> clock_;
    PermissionBroker broker_;
    std::unique_ptr<DeviceRegistry> registry_;
    std::map<std::string, std::weak_ptr<CaptureSource>> sources_; // control thread only

    struct Listener
    {
        ListenerId id;
        std::string type; ///< "devicechange" or "capturechange"
        std::function<void()> listener;
    };

    mutable std::mutex mutex_;
    std::vector<Listener> listeners_;       // guarded by mutex_
    ListenerId nextListener_ = 1;           // guarded by mutex_
    ListenerId dispatching_ = 0;            // guarded by mutex_: the listener running now
    std::condition_variable dispatchDone_;  // dispatching_ went back to 0
    std::vector<DeviceInUse> devicesInUse_; // guarded by mutex_; written on the control thread

    // Declared last: destroyed first, so no task runs against destroyed members.
    EventLoop loop_;
};

// ---- handle -----------------------------------------------------------------------------

Result<MediaDevices> MediaDevices::create(MediaDevicesOptions options)
{
    std::string origin = options.origin.empty() ? executablePath() : options.origin;
    const std::string fakeDevices = fakeDevicesFrom(options);
    auto impl = std::make_shared<Impl>(std::move(options), std::move(origin));
    if (auto ready = impl->init(fakeDevices); !ready)
        return ready.error();
    return MediaDevices(std::move(impl));
}

MediaDevices::MediaDevices(std::shared_ptr<Impl> impl) : impl_(std::move(impl))
{}

Promise<MediaStream> MediaDevices::getUserMedia(const MediaStreamConstraints& constraints)
{
    return impl_->getUserMedia(constraints);
}

Promise<MediaStream> MediaDevices::getUserMedia(std::string_view constraintsJson)
{
    auto constraints = parseMediaStreamConstraints(constraintsJson);
    if (!constraints)
        return Promise<MediaStream>::settled(constraints.error());
    return getUserMedia(*constraints);
}

namespace {

// The legacy form: one of the two callbacks, with the stream as a LocalMediaStream.
void settleLegacy(const Promise<MediaStream>& promise,
                  std::function<void(LocalMediaStream)> successCallback,
                  std::function<void(const NavigatorUserMediaError&)> errorCallback)
{
    promise.then([successCallback = std::move(successCallback),
                  errorCallback = std::move(errorCallback)](const Result<MediaStream>& result) {
        if (result) {
            if (successCallback)
                successCallback(LocalMediaStream(*result));
            return;
        }
        if (errorCallback)
            errorCallback({legacyErrorCode(result.error().name), result.error()});
    });
}

} // namespace

void MediaDevices::getUserMedia(const MediaStreamConstraints& constraints,
                                std::function<void(LocalMediaStream)> successCallback,
                                std::function<void(const NavigatorUserMediaError&)> errorCallback)
{
    settleLegacy(getUserMedia(constraints), std::move(successCallback), std::move(errorCallback));
}

void MediaDevices::getUserMedia(std::string_view constraintsJson,
                                std::function<void(LocalMediaStream)> successCallback,
                                std::function<void(const NavigatorUserMediaError&)> errorCallback)
{
    settleLegacy(getUserMedia(constraintsJson), std::move(successCallback),
                 std::move(errorCallback));
}

Promise<std::vector<MediaDeviceInfo>> MediaDevices::enumerateDevices()
{
    return impl_->enumerateDevices();
}

MediaTrackSupportedConstraints MediaDevices::getSupportedConstraints() const
{
    return {};
}

Promise<ProbeResult> MediaDevices::probe(const MediaStreamConstraints& constraints)
{
    return impl_->probe(constraints);
}

Promise<ProbeReport> MediaDevices::explain(const MediaStreamConstraints& constraints)
{
    return impl_->explain(constraints);
}

ListenerId MediaDevices::addEventListener(std::string_view type, std::function<void()> listener)
{
    if ((type != "devicechange" && type != "capturechange") || !listener)
        return 0;
    return impl_->addListener(std::string(type), std::move(listener));
}

void MediaDevices::removeEventListener(ListenerId id)
{
    impl_->removeListener(id);
}

std::vector<DeviceInUse> MediaDevices::devicesInUse() const
{
    return impl_->devicesInUse();
}

PermissionState MediaDevices::queryPermission(PermissionName name) const
{
    return impl_->queryPermission(name);
}

Result<void> MediaDevices::setPermission(PermissionName name, PermissionState state)
{
    return impl_->setPermission(name, state);
}

std::string MediaDevices::origin() const
{
    return impl_->origin();
}

std::shared_ptr<Clock> MediaDevices::clock() const
{
    return impl_->clock();
}

} // namespace usermedia
