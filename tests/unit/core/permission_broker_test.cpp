// SPDX-License-Identifier: MIT
#include "core/permission_broker.h"

#include <optional>

#include <gtest/gtest.h>

namespace usermedia {
namespace {

PermissionRequest cameraRequest()
{
    PermissionRequest request;
    request.origin = "app";
    request.camera = true;
    return request;
}

std::optional<Result<void>> ask(PermissionBroker& broker, const PermissionRequest& request)
{
    std::optional<Result<void>> outcome;
    broker.request(request, [&outcome](Result<void> r) { outcome = std::move(r); });
    return outcome;
}

TEST(PermissionBroker, PoliciesDecideWithoutAsking)
{
    PermissionBroker allow("app", PermissionPolicy::AllowAll, {});
    EXPECT_EQ(allow.state(PermissionName::Camera), PermissionState::Granted);
    EXPECT_TRUE(ask(allow, cameraRequest())->has_value());

    PermissionBroker deny("app", PermissionPolicy::DenyAll, {});
    EXPECT_EQ(deny.state(PermissionName::Microphone), PermissionState::Denied);
    auto denied = ask(deny, cameraRequest());
    ASSERT_FALSE(denied->has_value());
    EXPECT_EQ(denied->error().name, ErrorName::NotAllowedError);
}

TEST(PermissionBroker, EachAnswerMovesTheStateAsABrowserWould)
{
    struct Case
    {
        PermissionAnswer answer;
        bool allowed;
        PermissionState after;
    };
    for (const Case& c : {Case{PermissionAnswer::AllowOnce, true, PermissionState::Granted},
                          Case{PermissionAnswer::AllowAlways, true, PermissionState::Granted},
                          Case{PermissionAnswer::DenyOnce, false, PermissionState::Prompt},
                          Case{PermissionAnswer::DenyAlways, false, PermissionState::Denied},
                          Case{PermissionAnswer::Dismiss, false, PermissionState::Prompt}}) {
        int prompts = 0;
        PermissionBroker broker("app", PermissionPolicy::Prompt,
                                [&](const PermissionRequest&, auto respond) {
                                    ++prompts;
                                    respond(c.answer);
                                });
        EXPECT_EQ(broker.state(PermissionName::Camera), PermissionState::Prompt);
        auto outcome = ask(broker, cameraRequest());
        ASSERT_TRUE(outcome.has_value());
        EXPECT_EQ(outcome->has_value(), c.allowed);
        EXPECT_EQ(broker.state(PermissionName::Camera), c.after);
        EXPECT_EQ(broker.state(PermissionName::Microphone), PermissionState::Prompt)
                << "only the kinds asked for change";
        ask(broker, cameraRequest());
        EXPECT_EQ(prompts, c.after == PermissionState::Prompt ? 2 : 1);
    }
}

TEST(PermissionBroker, NoPromptIsNotAllowedWithAHint)
{
    PermissionBroker broker("app", PermissionPolicy::Prompt, {});
    auto outcome = ask(broker, cameraRequest());
    ASSERT_FALSE(outcome->has_value());
    EXPECT_EQ(outcome->error().name, ErrorName::NotAllowedError);
    EXPECT_NE(outcome->error().message.find("app"), std::string::npos);
}

TEST(PermissionBroker, OnlyTheFirstAnswerCounts)
{
    PermissionBroker broker("app", PermissionPolicy::Prompt,
                            [](const PermissionRequest&, auto respond) {
                                respond(PermissionAnswer::DenyAlways);
                                respond(PermissionAnswer::AllowAlways);
                            });
    int calls = 0;
    broker.request(cameraRequest(), [&calls](Result<void> r) {
        ++calls;
        EXPECT_FALSE(r.has_value());
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(broker.state(PermissionName::Camera), PermissionState::Denied);
}

} // namespace
} // namespace usermedia

namespace usermedia {
namespace {

TEST(PermissionBroker, AnAnswerAfterTheBrokerIsGoneIsIgnored)
{
    std::function<void(PermissionAnswer)> late;
    int calls = 0;
    {
        PermissionBroker broker("app", PermissionPolicy::Prompt,
                                [&late](const PermissionRequest&, auto respond) {
                                    late = std::move(respond); // a GUI answers later
                                });
        broker.request(cameraRequest(), [&calls](Result<void>) { ++calls; });
    }
    ASSERT_TRUE(late);
    late(PermissionAnswer::AllowAlways); // must neither crash nor call back
    EXPECT_EQ(calls, 0);
}

} // namespace
} // namespace usermedia
