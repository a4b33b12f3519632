// SPDX-License-Identifier: MIT
// toJson of MediaTrackSettings and MediaTrackCapabilities: the spec's member names, only the
// members that are set. (toJson of constraints is tested with the parser, as a round trip.)
#include <string>

#include <gtest/gtest.h>

#include <usermedia/capabilities.h>
#include <usermedia/settings.h>

namespace usermedia {
namespace {

TEST(SettingsJson, WritesOnlyTheMembersThatAreSet)
{
    MediaTrackSettings s;
    s.width = 640;
    s.height = 480;
    s.frameRate = 29.97;
    s.resizeMode = "none";
    s.deviceId = "cam";
    EXPECT_EQ(
            toJson(s),
            R"({"deviceId":"cam","frameRate":29.97,"height":480,"resizeMode":"none","width":640})");
    EXPECT_EQ(toJson(MediaTrackSettings{}), "{}");
    s.deviceId = "\xff"; // invalid UTF-8 is replaced, not thrown
    EXPECT_NE(toJson(s).find("deviceId"), std::string::npos);
}

TEST(CapabilitiesJson, WritesRangesAndLists)
{
    MediaTrackCapabilities c;
    c.width = NumberRange{1, 3840};
    c.resizeMode = {"none", "crop-and-scale"};
    c.echoCancellation = {true, false};
    c.groupId = "g";
    EXPECT_EQ(toJson(c),
              R"({"echoCancellation":[true,false],"groupId":"g",)"
              R"("resizeMode":["none","crop-and-scale"],"width":{"max":3840.0,"min":1.0}})");
}

} // namespace
} // namespace usermedia
