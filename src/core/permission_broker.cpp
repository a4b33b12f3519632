// SPDX-License-Identifier: MIT
#include "core/permission_broker.h"

#include "base/log.h"

namespace usermedia {
namespace {

Error notAllowed(std::string message)
{
    return Error{ErrorName::NotAllowedError, std::move(message), {}, 0};
}

std::string kindsText(const PermissionRequest& request)
{
    if (request.camera && request.microphone)
        return "camera and microphone";
    return request.camera ? "camera" : "microphone";
}

std::size_t indexOf(PermissionName name)
{
    return name == PermissionName::Camera ? 0 : 1;
}

PermissionBrokerOptions memoryOnly(std::string origin, PermissionPolicy policy,
                                   PermissionPrompt prompt)
{
    PermissionBrokerOptions options;
    options.origin = std::move(origin);
    options.policy = policy;
    options.prompt = std::move(prompt);
    return options;
}

} // namespace

/** One prompt's timeout: a thread sleeping on the context's clock until the deadline. */
struct PermissionBroker::Timer
{
    std::shared_ptr<Clock::Sleeper> sleeper;
    std::thread thread;
    std::atomic<bool> done{false};
};

PermissionBroker::PermissionBroker(std::string origin, PermissionPolicy policy,
                                   PermissionPrompt prompt)
    : PermissionBroker(memoryOnly(std::move(origin), policy, std::move(prompt)))
{}

PermissionBroker::PermissionBroker(PermissionBrokerOptions options)
    : origin_(std::move(options.origin)),
      policy_(options.policy),
      prompt_(std::move(options.prompt)),
      promptTimeout_(options.promptTimeout),
      clock_(options.clock ? std::move(options.clock) : systemClock()),
      warn_(std::move(options.warn))
{
    if (options.useStore) {
        store_.emplace(std::move(options.storeDirectory),
                       [this](const std::string& message) { warn(message); });
        // Fixed policies use the store for the id salt only, never for decisions: runs of
        // tests and tools must not depend on each other through remembered answers.
        if (policy_ == PermissionPolicy::Prompt)
            persisted_ = store_->read(origin_);
    }
}

PermissionBroker::~PermissionBroker()
{
    {
        // Waits for an answer being handled right now; later answers see the broker gone.
        std::lock_guard lock(liveness_->mutex);
        liveness_->alive = false;
    }
    stopWatching();
    std::vector<std::unique_ptr<Timer>> timers;
    std::vector<std::weak_ptr<PermissionPromptCancellation>> prompts;
    {
        std::lock_guard lock(mutex_);
        timers.swap(timers_);
        prompts.swap(prompts_);
    }
    // Questions still on screen are withdrawn: nobody is waiting for their answers any more.
    for (const auto& weak : prompts) {
        if (auto prompt = weak.lock())
            prompt->cancel();
    }
    for (auto& timer : timers) {
        timer->sleeper->interrupt();
        timer->thread.join();
    }
}

void PermissionBroker::warn(const std::string& message) const
{
    if (warn_) {
        warn_(message);
        return;
    }
    UM_LOG(Core, Warn) << message;
}

PermissionState PermissionBroker::effective(PermissionName name) const
{
    if (policy_ == PermissionPolicy::AllowAll)
        return PermissionState::Granted;
    if (policy_ == PermissionPolicy::DenyAll)
        return PermissionState::Denied;
    if (const auto& session = session_[indexOf(name)])
        return *session;
    return persisted_[name];
}

PermissionState PermissionBroker::state(PermissionName name) const
{
    std::lock_guard lock(mutex_);
    return effective(name);
}

void PermissionBroker::request(const PermissionRequest& request,
                               std::function<void(Result<void>)> done)
{
    const PermissionState camera =
            request.camera ? state(PermissionName::Camera) : PermissionState::Granted;
    const PermissionState microphone =
            request.microphone ? state(PermissionName::Microphone) : PermissionState::Granted;
    if (camera == PermissionState::Denied || microphone == PermissionState::Denied) {
        done(notAllowed("permission to use the " + kindsText(request) + " was denied for '" +
                        origin_ + "'"));
        return;
    }
    if (camera == PermissionState::Granted && microphone == PermissionState::Granted) {
        done(Result<void>{});
        return;
    }
    if (!prompt_) {
        done(notAllowed("no decision is stored for '" + origin_ +
                        "' and there is no way to ask "
                        "the user (no terminal or prompt callback; use --allow or a policy)"));
        return;
    }
    // The prompt may answer from any thread, at most once: a second answer, or an answer after
    // the timeout, is ignored (so a late "allow" never grants).
    struct Pending
    {
        std::atomic<bool> answered{false};
        std::shared_ptr<Clock::Sleeper> sleeper;
    };
    auto pending = std::make_shared<Pending>();
    // The question shown, with the means to withdraw it when its answer is no longer wanted.
    PermissionRequest shown = request;
    shown.cancellation = std::make_shared<PermissionPromptCancellation>();
    {
        std::lock_guard lock(mutex_);
        std::erase_if(prompts_, [](const auto& weak) { return weak.expired(); });
        prompts_.push_back(shown.cancellation);
    }
    if (promptTimeout_.count() > 0) {
        startTimer(
                [this, done, pending, cancellation = shown.cancellation] {
                    if (pending->answered.exchange(true))
                        return;
                    UM_LOG(Core, Info) << "permission prompt for '" << origin_ << "' timed out";
                    done(notAllowed("the permission prompt timed out"));
                    // After done(): a prompt that blocks the control thread (the terminal)
                    // returns on this, and the refusal is already queued behind it.
                    cancellation->cancel();
                },
                pending->sleeper);
    }
    std::weak_ptr<PermissionPromptCancellation> shownWeak = shown.cancellation;
    prompt_(shown, [this, liveness = liveness_, request, done, pending,
                    shownWeak](PermissionAnswer answer) {
        std::lock_guard alive(liveness->mutex);
        if (!liveness->alive || pending->answered.exchange(true))
            return; // the context is gone, or the prompt was answered or timed out already
        if (pending->sleeper)
            pending->sleeper->interrupt();
        {
            // Answered: nothing to withdraw any more.
            std::lock_guard lock(mutex_);
            std::erase_if(prompts_, [&shownWeak](const auto& weak) {
                return !weak.owner_before(shownWeak) && !shownWeak.owner_before(weak);
            });
        }
        remember(request, answer);
        switch (answer) {
        case PermissionAnswer::AllowOnce:
        case PermissionAnswer::AllowAlways:
            done(Result<void>{});
            return;
        case PermissionAnswer::DenyOnce:
        case PermissionAnswer::DenyAlways:
            done(notAllowed("the user denied the " + kindsText(request)));
            return;
        case PermissionAnswer::Dismiss:
            done(notAllowed("the permission prompt was dismissed"));
            return;
        }
    });
}

void PermissionBroker::startTimer(std::function<void()> onTimeout,
                                  std::shared_ptr<Clock::Sleeper>& sleeper)
{
    auto timer = std::make_unique<Timer>();
    // Made here, before the deadline is taken: a ManualClock counts the sleeper as busy from
    // now, so a test's advance() cannot slip past the deadline before the thread sleeps.
    timer->sleeper = clock_->createSleeper();
    sleeper = timer->sleeper;
    const auto deadline = clock_->now() + promptTimeout_;
    Timer* raw = timer.get();
    timer->thread = std::thread([raw, deadline, onTimeout = std::move(onTimeout)] {
        if (raw->sleeper->sleepUntil(deadline))
            onTimeout();
        // Done with the clock: a ManualClock must not wait for this sleeper any more.
        raw->sleeper->interrupt();
        raw->done = true;
    });
    std::vector<std::unique_ptr<Timer>> finished;
    {
        std::lock_guard lock(mutex_);
        // Join the timers of earlier prompts that are over, so they do not pile up.
        for (auto it = timers_.begin(); it != timers_.end();) {
            if ((*it)->done) {
                finished.push_back(std::move(*it));
                it = timers_.erase(it);
            } else {
                ++it;
            }
        }
        timers_.push_back(std::move(timer));
    }
    for (auto& old : finished)
        old->thread.join();
}

void PermissionBroker::remember(const PermissionRequest& request, PermissionAnswer answer)
{
    std::vector<PermissionName> names;
    if (request.camera)
        names.push_back(PermissionName::Camera);
    if (request.microphone)
        names.push_back(PermissionName::Microphone);
    switch (answer) {
    case PermissionAnswer::AllowOnce: {
        // "Allow once" lasts until this context ends, as a browser tab's grant does.
        std::lock_guard lock(mutex_);
        for (const auto name : names)
            session_[indexOf(name)] = PermissionState::Granted;
        return;
    }
    case PermissionAnswer::AllowAlways:
        persist(names, PermissionState::Granted);
        return;
    case PermissionAnswer::DenyAlways:
        persist(names, PermissionState::Denied);
        return;
    case PermissionAnswer::DenyOnce:
    case PermissionAnswer::Dismiss:
        return; // asks again next time
    }
}

void PermissionBroker::persist(const std::vector<PermissionName>& names, PermissionState state)
{
    const bool reset = state == PermissionState::Prompt;
    const std::string newSalt = reset ? PermissionStore::newSalt() : std::string();
    // The store is read and written under mutex_ as well, so the watcher can never apply an
    // older file over a newer decision made here.
    std::lock_guard lock(mutex_);
    // Keep the ids this context already handed out unless this is a reset.
    const std::string keepSalt = reset ? std::string() : saltLocked();
    for (const auto name : names)
        session_[indexOf(name)].reset();
    if (reset)
        memorySalt_.clear();
    if (!store_) {
        // No store (a broker for this context only): "always" lasts as long as the context.
        for (const auto name : names)
            persisted_[name] = state;
        if (reset)
            persisted_.salt = newSalt;
        return;
    }
    auto written = store_->update([&](PermissionMap& map) {
        auto& entry = map[origin_];
        for (const auto name : names)
            entry[name] = state;
        if (reset)
            entry.salt = newSalt;
        else if (entry.salt.empty())
            entry.salt = keepSalt;
    });
    if (written) {
        const auto it = written->find(origin_);
        persisted_ = it == written->end() ? OriginPermissions{} : it->second;
        return;
    }
    // The decision still holds for this context; it just will not be remembered.
    for (const auto name : names)
        session_[indexOf(name)] = state;
    if (reset)
        memorySalt_ = newSalt;
    warn(written.error().message + "; the decision for '" + origin_ +
         "' is kept in memory only, for this run");
}

Result<void> PermissionBroker::setState(PermissionName name, PermissionState state)
{
    if (policy_ != PermissionPolicy::Prompt)
        return Error{ErrorName::InvalidStateError,
                     "permissions are fixed by the context's policy (AllowAll or DenyAll)",
                     {},
                     0};
    std::array<PermissionState, 2> before{};
    {
        std::lock_guard lock(mutex_);
        before = {effective(PermissionName::Camera), effective(PermissionName::Microphone)};
    }
    persist({name}, state);
    notifyRevoked(before);
    return {};
}

void PermissionBroker::notifyRevoked(const std::array<PermissionState, 2>& before)
{
    std::vector<PermissionName> revoked;
    {
        std::lock_guard lock(mutex_);
        for (const auto name : kNames) {
            if (before[indexOf(name)] == PermissionState::Granted &&
                effective(name) != PermissionState::Granted)
                revoked.push_back(name);
        }
    }
    if (!onRevoked_)
        return;
    for (const auto name : revoked)
        onRevoked_(name);
}

std::string PermissionBroker::salt()
{
    std::lock_guard lock(mutex_);
    return saltLocked();
}

std::string PermissionBroker::saltLocked()
{
    if (!memorySalt_.empty())
        return memorySalt_;
    if (!persisted_.salt.empty())
        return persisted_.salt;
    if (store_) {
        // First use: create the salt in the store, unless the store is damaged (left alone
        // until the user decides) or unwritable.
        auto written = store_->update(
                [this](PermissionMap& map) {
                    auto& entry = map[origin_];
                    if (entry.salt.empty())
                        entry.salt = PermissionStore::newSalt();
                },
                /*userDecision=*/false);
        if (written) {
            const auto it = written->find(origin_);
            if (it != written->end()) {
                persisted_.salt = it->second.salt;
                return persisted_.salt;
            }
        } else {
            warn(written.error().message + "; device ids for '" + origin_ +
                 "' are stable for this run only");
        }
    }
    memorySalt_ = PermissionStore::newSalt();
    return memorySalt_;
}

void PermissionBroker::reload()
{
    std::array<PermissionState, 2> before{};
    {
        std::lock_guard lock(mutex_);
        const OriginPermissions fresh = store_->read(origin_);
        if (fresh == persisted_)
            return;
        before = {effective(PermissionName::Camera), effective(PermissionName::Microphone)};
        // A newer decision in the store overrides this context's own for that kind (a user who
        // revokes in the CLI means it, even after "allow once" here).
        for (const auto name : kNames) {
            if (fresh[name] != persisted_[name])
                session_[indexOf(name)].reset();
        }
        persisted_ = fresh;
    }
    notifyRevoked(before);
}

void PermissionBroker::watch(std::function<void(PermissionName)> onRevoked)
{
    onRevoked_ = std::move(onRevoked);
    if (!store_ || policy_ != PermissionPolicy::Prompt)
        return;
    if (auto ready = store_->ensureDirectory(); !ready) {
        warn(ready.error().message + "; decisions made elsewhere are not followed");
        return;
    }
    // The store writes by rename; another program may also rewrite the file in place.
    watcher_ = std::make_unique<DirectoryWatcher>(
            store_->directory(), [](std::string_view name) { return name == "permissions.json"; },
            [this] { reload(); }, DirectoryWatcher::Watch::Contents);
    if (auto started = watcher_->start(); !started) {
        warn("permission store: cannot watch " + store_->directory() + ": " +
             started.error().message + "; decisions made elsewhere are not followed");
        watcher_.reset();
        return;
    }
    // The store may have changed between the constructor's read and the watch.
    reload();
}

void PermissionBroker::stopWatching()
{
    if (watcher_)
        watcher_->stop();
}

} // namespace usermedia
