// SPDX-License-Identifier: MIT
// The strings the public enums print as (logs, the CLI, JSON): one per value, never a fallback.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <usermedia/audio_buffer.h>
#include <usermedia/media_device_info.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/video_frame.h>

namespace usermedia {
namespace {

template <typename Enum>
void expectDistinct(std::initializer_list<Enum> values)
{
    std::set<std::string> seen;
    for (const Enum value : values)
        EXPECT_TRUE(seen.insert(std::string(toString(value))).second) << toString(value);
}

TEST(ApiStrings, VideoPixelFormats)
{
    EXPECT_EQ(toString(VideoPixelFormat::I420), "I420");
    EXPECT_EQ(toString(VideoPixelFormat::NV12), "NV12");
    EXPECT_EQ(toString(VideoPixelFormat::Native), "native");
    expectDistinct({VideoPixelFormat::I420, VideoPixelFormat::NV12, VideoPixelFormat::Native});
}

TEST(ApiStrings, OtherEnumsNameEveryValue)
{
    expectDistinct({SampleFormat::F32, SampleFormat::S16});
    expectDistinct({MediaDeviceKind::VideoInput, MediaDeviceKind::AudioInput,
                    MediaDeviceKind::AudioOutput});
    expectDistinct({MediaStreamTrackState::Live, MediaStreamTrackState::Ended});
}

} // namespace
} // namespace usermedia
