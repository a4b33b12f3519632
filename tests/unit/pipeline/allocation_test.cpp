// SPDX-License-Identifier: MIT
// Zero heap allocation per frame in steady state, source -> track -> sink, video and audio.
//
// This binary replaces the global operator new (all forms) with a counting one and, outside
// sanitizer builds (whose runtimes own malloc), interposes malloc/calloc/realloc so that C
// libraries (libjpeg, libyuv) are counted too. Counting is on only between warm-up and the end
// of the measured window; every thread's allocations count (capture threads, control thread).
#include <atomic>
#include <cstdlib>
#include <new>

#include "backends/fake/video_generator.h"
#include "pipeline/convert.h"
#include "pipeline/object_pool.h"

#include "e2e/e2e_fixture.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
        __has_feature(memory_sanitizer)
#define UM_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UM_TEST_SANITIZED 1
#endif

namespace {

std::atomic<bool> counting{false};
std::atomic<std::uint64_t> newCalls{0};
std::atomic<std::uint64_t> mallocCalls{0};

void* countedNew(std::size_t size)
{
    if (counting.load(std::memory_order_relaxed))
        newCalls.fetch_add(1, std::memory_order_relaxed);
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

void* countedAlignedNew(std::size_t size, std::align_val_t alignment)
{
    if (counting.load(std::memory_order_relaxed))
        newCalls.fetch_add(1, std::memory_order_relaxed);
    const auto align = static_cast<std::size_t>(alignment);
    void* p = std::aligned_alloc(align, (size + align - 1) / align * align);
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

} // namespace

// NOLINTBEGIN(cppcoreguidelines-no-malloc, misc-new-delete-overloads): the point of this file
void* operator new(std::size_t size)
{
    return countedNew(size);
}
void* operator new[](std::size_t size)
{
    return countedNew(size);
}
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept
{
    try {
        return countedNew(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept
{
    try {
        return countedNew(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new(std::size_t size, std::align_val_t alignment)
{
    return countedAlignedNew(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment)
{
    return countedAlignedNew(size, alignment);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t /*size*/) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t /*size*/) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::align_val_t /*alignment*/) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::align_val_t /*alignment*/) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept
{
    std::free(p);
}

#if !defined(UM_TEST_SANITIZED) && defined(__GLIBC__)
// glibc's own entry points; defining malloc here interposes it for every library in the
// process, and forwarding keeps one heap (memalign'd blocks still free through __libc_free).
extern "C" {
void* __libc_malloc(std::size_t size);                // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(std::size_t n, std::size_t size); // NOLINT(bugprone-reserved-identifier)
void* __libc_realloc(void* p, std::size_t size);      // NOLINT(bugprone-reserved-identifier)
void __libc_free(void* p);                            // NOLINT(bugprone-reserved-identifier)

void* malloc(std::size_t size)
{
    if (counting.load(std::memory_order_relaxed))
        mallocCalls.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size)
{
    if (counting.load(std::memory_order_relaxed))
        mallocCalls.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size)
{
    if (counting.load(std::memory_order_relaxed))
        mallocCalls.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, size);
}
void free(void* p)
{
    __libc_free(p);
}
}
constexpr bool kCountsMalloc = true;
#else
constexpr bool kCountsMalloc = false;
#endif
// NOLINTEND(cppcoreguidelines-no-malloc, misc-new-delete-overloads)

namespace usermedia::testing {
namespace {

using std::chrono::seconds;

struct Counts
{
    std::uint64_t news = 0;
    std::uint64_t mallocs = 0;
};

// Runs \p body with counting on.
template <typename Body>
Counts count(Body&& body)
{
    newCalls.store(0);
    mallocCalls.store(0);
    counting.store(true);
    body();
    counting.store(false);
    return {newCalls.load(), mallocCalls.load()};
}

// A sink that looks at every frame without allocating.
struct FrameCounter
{
    std::atomic<std::uint64_t> frames{0};
    std::atomic<std::uint64_t> checksum{0};
    void operator()(const VideoFrame& frame)
    {
        frames.fetch_add(1, std::memory_order_relaxed);
        if (frame.format() == VideoPixelFormat::Native)
            checksum.fetch_add(frame.data().size(), std::memory_order_relaxed);
        else
            checksum.fetch_add(frame.plane(0).data[0], std::memory_order_relaxed);
    }
};

class AllocationTest : public E2eTest
{};

TEST_F(AllocationTest, ObjectPoolRecyclesWithoutAllocating)
{
    auto pool = makePixelBufferPool(VideoPixelFormat::I420, 64, 48);
    {
        auto a = pool->acquire();
        auto b = pool->acquire();
    }
    const Counts counts = count([&] {
        for (int i = 0; i < 1000; ++i) {
            auto a = pool->acquire();
            auto b = pool->acquire();
            std::shared_ptr<const void> shared = a; // as a VideoFrame holds it
            a.reset();
        }
    });
    EXPECT_EQ(counts.news, 0U);
    EXPECT_EQ(counts.mallocs, 0U);
    EXPECT_EQ(pool->made(), 2U);
}

// The counters see what capture threads allocate (so the zeros below mean something).
TEST_F(AllocationTest, CountersSeeAllocationsOnTheCaptureThread)
{
    auto devices = makeDevices(
            R"({"devices": [{"kind": "videoinput", "id": "cam", "label": "Cam",)"
            R"( "modes": [{"format": "yuyv", "width": 64, "height": 48, "frameRate": 30}]}]})");
    auto video = open(devices, R"({"video": true})").getVideoTracks().at(0);
    std::atomic<std::uint64_t> sum{0};
    video.addVideoSink([&](const VideoFrame& frame) {
        auto copy = std::make_unique<std::uint8_t[]>(16); // one operator new per frame
        copy[0] = frame.plane(0).data[0];
        void* raw = std::malloc(16); // NOLINT(cppcoreguidelines-no-malloc): one malloc per frame
        sum.fetch_add(copy[0] + (raw != nullptr ? 1 : 0));
        std::free(raw); // NOLINT(cppcoreguidelines-no-malloc)
    });
    clock_->advance(seconds(1));
    const Counts counts = count([&] { clock_->advance(seconds(1)); });
    EXPECT_GE(counts.news, 30U);
    if (kCountsMalloc) {
        EXPECT_GE(counts.mallocs, 60U); // operator new goes through malloc too
    }
}

// Video (YUYV camera, five tracks in three sizes and two formats plus a native sink) and audio
// (F32 and S16 sinks) through the public API: after one second of warm-up, ten seconds (300
// frames, 1000 audio chunks) allocate nothing, not even in C libraries.
TEST_F(AllocationTest, SteadyStateVideoAndAudioAllocateNothing)
{
    auto devices = makeDevices(
            R"({"devices": [{"kind": "videoinput", "id": "cam", "label": "Cam", "groupId": "g",)"
            R"( "modes": [{"format": "yuyv", "width": 640, "height": 480, "frameRate": 30}]},)"
            R"( {"kind": "audioinput", "id": "mic", "label": "Mic", "groupId": "g",)"
            R"( "modes": [{"sampleRate": 48000, "channels": 2}]}]})");
    auto stream = open(devices, R"({"video": true, "audio": true})");
    auto video = stream.getVideoTracks().at(0);
    auto audio = stream.getAudioTracks().at(0);
    auto same = video.clone();
    auto small = video.clone();
    ASSERT_TRUE(await(small.applyConstraints(*parseMediaTrackConstraints(
                              R"({"width": {"exact": 320}, "height": {"exact": 240}})")))
                        .has_value());
    auto wide = video.clone();
    ASSERT_TRUE(await(wide.applyConstraints(*parseMediaTrackConstraints(
                              R"({"width": {"exact": 320}, "height": {"exact": 180}})")))
                        .has_value());
    auto slow = video.clone();
    ASSERT_TRUE(await(slow.applyConstraints(
                              *parseMediaTrackConstraints(R"({"frameRate": {"exact": 20}})")))
                        .has_value());
    FrameCounter counters[6]; // NOLINT(modernize-avoid-c-arrays)
    video.addVideoSink(std::ref(counters[0]));
    same.addVideoSink(std::ref(counters[1]));
    small.addVideoSink(std::ref(counters[2]));
    wide.addVideoSink(std::ref(counters[3]), VideoPixelFormat::NV12);
    slow.addVideoSink(std::ref(counters[4]));
    video.addVideoSink(std::ref(counters[5]), VideoPixelFormat::Native);
    std::atomic<std::uint64_t> chunks{0};
    audio.addAudioSink([&](const AudioBuffer& b) { chunks.fetch_add(b.f32().empty() ? 0 : 1); });
    audio.addAudioSink([&](const AudioBuffer& b) { chunks.fetch_add(b.s16().empty() ? 0 : 1); },
                       SampleFormat::S16);

    clock_->advance(seconds(1)); // warm-up: pools fill, vectors reach their size
    const std::uint64_t before = counters[0].frames.load();
    const std::uint64_t chunksBefore = chunks.load();
    const Counts counts = count([&] { clock_->advance(seconds(10)); });
    EXPECT_EQ(counters[0].frames.load() - before, 300U);
    EXPECT_EQ(counters[4].frames.load() * 3, counters[0].frames.load() * 2);
    EXPECT_EQ(chunks.load() - chunksBefore, 2000U);
    for (const auto& counter : counters)
        EXPECT_GT(counter.frames.load(), 0U);
    EXPECT_EQ(counts.news, 0U) << "operator new calls in 300 frames";
    if (kCountsMalloc) {
        EXPECT_EQ(counts.mallocs, 0U) << "malloc calls in 300 frames";
    }
}

// An MJPEG camera with tracks at full, half (DCT-scaled decode) and quarter size. The fake
// camera's own JPEG encoder is libjpeg, which mallocs per picture, so only operator new is
// counted here; the decoder's C-level allocations are checked directly below.
TEST_F(AllocationTest, SteadyStateMjpegAllocatesNoObjects)
{
    auto devices = makeDevices(
            R"({"devices": [{"kind": "videoinput", "id": "cam", "label": "Cam",)"
            R"( "modes": [{"format": "mjpeg", "width": 1280, "height": 720, "frameRate": 30}]}]})");
    auto video = open(devices, R"({"video": true})").getVideoTracks().at(0);
    auto half = video.clone();
    ASSERT_TRUE(await(half.applyConstraints(*parseMediaTrackConstraints(
                              R"({"width": {"exact": 640}, "height": {"exact": 360}})")))
                        .has_value());
    auto quarter = video.clone();
    ASSERT_TRUE(await(quarter.applyConstraints(*parseMediaTrackConstraints(
                              R"({"width": {"exact": 320}, "height": {"exact": 180}})")))
                        .has_value());
    FrameCounter counters[3]; // NOLINT(modernize-avoid-c-arrays)
    video.addVideoSink(std::ref(counters[0]));
    half.addVideoSink(std::ref(counters[1]));
    quarter.addVideoSink(std::ref(counters[2]), VideoPixelFormat::NV12);
    clock_->advance(seconds(1));
    const Counts counts = count([&] { clock_->advance(seconds(10)); });
    EXPECT_EQ(counters[2].frames.load(), 330U);
    EXPECT_EQ(counts.news, 0U) << "operator new calls in 300 MJPEG frames";
}

// The MJPEG decoder alone, full size and DCT-scaled: libjpeg's per-picture memory comes from
// the decoder's arena after the first picture, so nothing is allocated at all.
TEST_F(AllocationTest, JpegDecodingAllocatesNothingAfterTheFirstPicture)
{
    fake::VideoGenerator camera(NativePixelFormat::MJPEG, 1280, 720);
    std::vector<std::vector<std::uint8_t>> pictures;
    for (std::uint64_t i = 0; i < 4; ++i) {
        auto frame = camera.generate(i, std::chrono::milliseconds(33 * i));
        ASSERT_TRUE(frame.has_value());
        pictures.emplace_back(frame->data, frame->data + frame->size);
    }
    auto fullPool = makePixelBufferPool(VideoPixelFormat::I420, 1280, 720);
    auto halfPool = makePixelBufferPool(VideoPixelFormat::I420, 640, 360);
    FrameConverter::PoolLookup pools = [&](VideoPixelFormat, int width, int) {
        return width == 1280 ? fullPool : halfPool;
    };
    FrameConverter converter;
    auto decodeAll = [&] {
        for (const auto& picture : pictures) {
            NativeVideoFrame frame;
            frame.format = NativePixelFormat::MJPEG;
            frame.width = 1280;
            frame.height = 720;
            frame.data = picture.data();
            frame.size = picture.size();
            ASSERT_NE(converter.convert(frame, 1280, 720, pools), nullptr);
            ASSERT_NE(converter.convert(frame, 640, 360, pools), nullptr);
        }
    };
    decodeAll();
    const Counts counts = count([&] {
        for (int i = 0; i < 50; ++i)
            decodeAll();
    });
    EXPECT_EQ(counts.news, 0U);
    if (kCountsMalloc) {
        EXPECT_EQ(counts.mallocs, 0U) << "malloc calls in 400 decodes";
    }
}

} // namespace
} // namespace usermedia::testing
