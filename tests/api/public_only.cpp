// SPDX-License-Identifier: MIT
// Uses the shared library through its public headers only: the exported symbols suffice.
#include <gtest/gtest.h>

#include <usermedia/usermedia.h>

namespace {

TEST(PublicApi, ErrorNamesAndLegacyCodes)
{
    EXPECT_EQ(usermedia::toString(usermedia::ErrorName::OverconstrainedError),
              "OverconstrainedError");
    EXPECT_EQ(usermedia::legacyErrorCode(usermedia::ErrorName::NotAllowedError),
              usermedia::LegacyErrorCode::PermissionDenied);
    EXPECT_EQ(usermedia::toString(usermedia::legacyErrorCode(usermedia::ErrorName::NotFoundError)),
              "MANDATORY_UNSATISFIED_ERROR");
    EXPECT_EQ(usermedia::toString(usermedia::legacyErrorCode(usermedia::ErrorName::TypeError)),
              "NOT_SUPPORTED_ERROR");
}

TEST(PublicApi, ParsesConstraintsAndOpensTheFakeCamera)
{
    auto constraints = usermedia::parseMediaStreamConstraints(R"({"video": {"width": 320}})");
    ASSERT_TRUE(constraints.has_value());
    usermedia::MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.ignoreEnvironment = true;
    options.permissionPolicy = usermedia::PermissionPolicy::AllowAll;
    auto devices = usermedia::MediaDevices::create(options);
    ASSERT_TRUE(devices.has_value());
    auto stream = devices->getUserMedia(*constraints).wait();
    ASSERT_TRUE(stream.has_value()) << stream.error().toString();
    EXPECT_EQ(stream->getVideoTracks().at(0).getSettings().width, 320);
}

} // namespace
