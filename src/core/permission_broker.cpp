// SPDX-License-Identifier: MIT
#include "core/permission_broker.h"

#include <atomic>
#include <memory>

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

} // namespace

PermissionBroker::PermissionBroker(std::string origin, PermissionPolicy policy,
                                   PermissionPrompt prompt)
    : origin_(std::move(origin)),
      policy_(policy),
      prompt_(std::move(prompt))
{}

PermissionState PermissionBroker::state(PermissionName name) const
{
    if (policy_ == PermissionPolicy::AllowAll)
        return PermissionState::Granted;
    if (policy_ == PermissionPolicy::DenyAll)
        return PermissionState::Denied;
    std::lock_guard lock(mutex_);
    return name == PermissionName::Camera ? camera_ : microphone_;
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
    // The prompt may answer from any thread, at most once: a second answer is ignored.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    prompt_(request, [this, request, done, answered](PermissionAnswer answer) {
        if (answered->exchange(true))
            return;
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

void PermissionBroker::remember(const PermissionRequest& request, PermissionAnswer answer)
{
    PermissionState state = PermissionState::Prompt;
    switch (answer) {
    case PermissionAnswer::AllowOnce:
    case PermissionAnswer::AllowAlways:
        // "Allow once" lasts until this context ends, as a browser tab's grant does.
        state = PermissionState::Granted;
        break;
    case PermissionAnswer::DenyAlways:
        state = PermissionState::Denied;
        break;
    case PermissionAnswer::DenyOnce:
    case PermissionAnswer::Dismiss:
        return; // asks again next time
    }
    std::lock_guard lock(mutex_);
    if (request.camera)
        camera_ = state;
    if (request.microphone)
        microphone_ = state;
}

} // namespace usermedia
