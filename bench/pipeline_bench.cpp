// SPDX-License-Identifier: MIT
// The frame pipeline against the libraries people would otherwise use, on the same generated
// inputs, in one run: our source -> track -> sink path, libyuv alone, libswscale. The GStreamer
// and ffmpeg command-line pipelines are timed by scripts/bench.sh on files this program writes
// (--write-inputs), and the script prints every ratio against the goals of issue 5.
//
// "Ours" benchmarks drive a real CaptureSource and real tracks (as getUserMedia builds them)
// from the benchmark thread: a device that delivers nothing by itself
// (tests/unit/pipeline/hand_fed_device.h), its source fed the same native frame every
// iteration. So each iteration is one whole frame through conversion, scaling, fan-out and
// delivery to counting sinks.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <libyuv.h>
extern "C" {
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

#include <usermedia/usermedia.h>

#include "backends/fake/video_generator.h"
#include "core/capture_source.h"
#include "core/track_host.h"
#include "core/track_impl.h"
#include "pipeline/convert.h"

#include "unit/pipeline/hand_fed_device.h"

namespace usermedia {
namespace {

using std::chrono::nanoseconds;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

// ---- inputs ---------------------------------------------------------------------------------

// The fake camera's test pattern (barcode, labels, moving bar) as the device would deliver it.
std::vector<std::uint8_t> generate(NativePixelFormat format, std::uint64_t frame = 7)
{
    fake::VideoGenerator generator(format, kWidth, kHeight);
    auto native = generator.generate(frame, nanoseconds(frame * 33'333'333));
    if (!native)
        std::abort();
    return {native->data, native->data + native->size};
}

const std::vector<std::uint8_t>& yuyvInput()
{
    static const auto bytes = generate(NativePixelFormat::YUYV);
    return bytes;
}

const std::vector<std::uint8_t>& mjpegInput()
{
    static const auto bytes = generate(NativePixelFormat::MJPEG);
    return bytes;
}

// libyuv alone on the benchmark's frames, into 1080p pictures: the baselines' common step.
void libyuvYuyv(PixelBuffer& out)
{
    const auto& in = yuyvInput();
    libyuv::YUY2ToI420(in.data(), kWidth * 2, out.y(), out.strideY(), out.u(), out.strideU(),
                       out.v(), out.strideV(), kWidth, kHeight);
}

void libyuvMjpeg(PixelBuffer& out)
{
    const auto& in = mjpegInput();
    libyuv::MJPGToI420(in.data(), in.size(), out.y(), out.strideY(), out.u(), out.strideU(),
                       out.v(), out.strideV(), kWidth, kHeight, kWidth, kHeight);
}

const PixelBuffer& i420Input()
{
    static const PixelBuffer picture = [] {
        PixelBuffer p(VideoPixelFormat::I420, kWidth, kHeight);
        libyuvYuyv(p);
        return p;
    }();
    return picture;
}

// ---- a CaptureSource fed from the benchmark thread -----------------------------------------

using testing::HandFedBackend;
using testing::InlineTrackHost;

struct TrackSpec
{
    int width;
    int height;
    VideoPixelFormat format = VideoPixelFormat::I420;
};

// A sink that touches each frame (one byte per plane) without allocating.
struct CountingSink
{
    std::shared_ptr<std::atomic<std::uint64_t>> sum =
            std::make_shared<std::atomic<std::uint64_t>>();
    void operator()(const VideoFrame& frame) const
    {
        sum->fetch_add(frame.format() == VideoPixelFormat::Native ? frame.data().size()
                                                                  : frame.plane(0).data[0],
                       std::memory_order_relaxed);
    }
};

class Pipeline
{
public:
    Pipeline(NativePixelFormat format, const std::vector<TrackSpec>& tracks, int width = kWidth,
             int height = kHeight)
        : width_(width),
          height_(height)
    {
        device_.backend = &backend_;
        device_.description.id = "bench";
        device_.description.label = "bench";
        device_.description.kind = MediaDeviceKind::VideoInput;
        const NativeVideoMode mode{format, width, height, 30, 30};
        device_.description.videoModes = {mode};
        source_ = CaptureSource::openVideo(device_, mode, {}).value();
        for (const TrackSpec& spec : tracks) {
            TrackImpl::Init init;
            init.kind = MediaDeviceKind::VideoInput;
            init.settings.width = spec.width;
            init.settings.height = spec.height;
            init.settings.frameRate = 30;
            auto track = TrackImpl::create(host_, source_, init);
            track->addVideoSink(CountingSink{}, spec.format);
            tracks_.push_back(std::move(track));
        }
    }
    ~Pipeline()
    {
        for (auto& track : tracks_)
            track->stop();
    }
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    void feed(const std::vector<std::uint8_t>& bytes)
    {
        NativeVideoFrame frame;
        frame.format = source_->videoMode().format;
        frame.width = width_;
        frame.height = height_;
        frame.data = bytes.data();
        frame.size = bytes.size();
        frame.frameNumber = next_++;
        frame.timestamp = nanoseconds(static_cast<std::int64_t>(frame.frameNumber) * 33'333'333);
        source_->onVideoFrame(frame);
    }

    std::uint64_t delivered() const { return tracks_.front()->stats().deliveredFrames; }

private:
    int width_;
    int height_;
    HandFedBackend backend_;
    RegisteredDevice device_;
    std::shared_ptr<InlineTrackHost> host_ = std::make_shared<InlineTrackHost>();
    std::shared_ptr<CaptureSource> source_;
    std::vector<std::shared_ptr<TrackImpl>> tracks_;
    std::uint64_t next_ = 0;
};

void runPipeline(benchmark::State& state, NativePixelFormat format,
                 const std::vector<std::uint8_t>& input, const std::vector<TrackSpec>& tracks)
{
    Pipeline pipeline(format, tracks);
    pipeline.feed(input); // warm-up: pools and decoder memory
    for (auto _ : state)
        pipeline.feed(input);
    if (pipeline.delivered() != static_cast<std::uint64_t>(state.iterations()) + 1)
        state.SkipWithError("frames were not delivered");
}

// ---- paired runs ----------------------------------------------------------------------------

// CPU time of the calling thread, in milliseconds.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// Two ways of doing one frame's work, timed side by side: each iteration runs both, one frame
// each, in an order that alternates, and times each on the thread's CPU clock. Reported as
// counters: the median milliseconds of each (ours_ms, base_ms) and their ratio.
//
// Why: a goal stated as a ratio within a few percent cannot be judged from two benchmarks run
// seconds apart on a machine shared with other builds. Their medians move by more than that
// between runs (the run that first reported the fan-out and MJPEG goals missed had a 7-13%
// coefficient of variation on the very benchmarks it compared), so their ratio measured the
// load at two moments as much as the code. Frame by frame alternation gives both sides the
// same load, caches and clock speed; neither side's work changes.
template <typename Ours, typename Baseline>
void runPaired(benchmark::State& state, Ours&& ours, Baseline&& baseline)
{
    std::vector<double> oursMs;
    std::vector<double> baseMs;
    oursMs.reserve(static_cast<std::size_t>(state.max_iterations));
    baseMs.reserve(static_cast<std::size_t>(state.max_iterations));
    ours(); // warm-up: pools and decoder memory
    baseline();
    const auto timed = [](auto& work) {
        const double start = threadCpuMs();
        work();
        return threadCpuMs() - start;
    };
    bool oursFirst = true;
    for (auto _ : state) {
        if (oursFirst) {
            oursMs.push_back(timed(ours));
            baseMs.push_back(timed(baseline));
        } else {
            baseMs.push_back(timed(baseline));
            oursMs.push_back(timed(ours));
        }
        oursFirst = !oursFirst;
    }
    const double a = median(std::move(oursMs));
    const double b = median(std::move(baseMs));
    state.counters["ours_ms"] = a;
    state.counters["base_ms"] = b;
    state.counters["ratio"] = b > 0 ? a / b : 0;
}

// ---- libyuv and swscale baselines -----------------------------------------------------------

struct I420
{
    explicit I420(int w, int h) : buffer(VideoPixelFormat::I420, w, h) {}
    PixelBuffer buffer;
};

void libyuvScale(const PixelBuffer& src, PixelBuffer& dst, libyuv::FilterMode filter)
{
    libyuv::I420Scale(src.y(), src.strideY(), src.u(), src.strideU(), src.v(), src.strideV(),
                      src.width(), src.height(), dst.y(), dst.strideY(), dst.u(), dst.strideU(),
                      dst.v(), dst.strideV(), dst.width(), dst.height(), filter);
}

class Swscale
{
public:
    Swscale(int srcW, int srcH, AVPixelFormat srcFormat, int dstW, int dstH)
        : context_(sws_getContext(srcW, srcH, srcFormat, dstW, dstH, AV_PIX_FMT_YUV420P,
                                  SWS_BILINEAR, nullptr, nullptr, nullptr)),
          srcH_(srcH)
    {}
    ~Swscale() { sws_freeContext(context_); }
    Swscale(const Swscale&) = delete;
    Swscale& operator=(const Swscale&) = delete;

    void packed(const std::uint8_t* src, int stride, PixelBuffer& dst)
    {
        const std::uint8_t* const planes[4] = {src, nullptr, nullptr, nullptr}; // NOLINT
        const int strides[4] = {stride, 0, 0, 0};                               // NOLINT
        run(planes, strides, dst);
    }
    void planar(const PixelBuffer& src, PixelBuffer& dst)
    {
        const std::uint8_t* const planes[4] = {src.y(), src.u(), src.v(), nullptr}; // NOLINT
        const int strides[4] = {src.strideY(), src.strideU(), src.strideV(), 0};    // NOLINT
        run(planes, strides, dst);
    }

private:
    void run(const std::uint8_t* const* planes, const int* strides, PixelBuffer& dst)
    {
        std::uint8_t* const out[4] = {dst.y(), dst.u(), dst.v(), nullptr};          // NOLINT
        const int outStrides[4] = {dst.strideY(), dst.strideU(), dst.strideV(), 0}; // NOLINT
        sws_scale(context_, planes, strides, 0, srcH_, out, outStrides);
    }
    SwsContext* context_;
    int srcH_;
};

// ---- YUYV 1080p -> I420 1080p ---------------------------------------------------------------

void BM_YuyvToI420_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), {{kWidth, kHeight}});
}

void BM_YuyvToI420_Libyuv(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    for (auto _ : state) {
        libyuvYuyv(out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_YuyvToI420_Swscale(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    Swscale sws(kWidth, kHeight, AV_PIX_FMT_YUYV422, kWidth, kHeight);
    const auto& in = yuyvInput();
    for (auto _ : state) {
        sws.packed(in.data(), kWidth * 2, out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// ---- YUYV 1080p -> 1080p + 720p (+ 360p) tracks ---------------------------------------------

void BM_YuyvTo1080p720p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), {{kWidth, kHeight}, {1280, 720}});
}

void BM_YuyvTo1080p720p360p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(),
                {{kWidth, kHeight}, {1280, 720}, {640, 360}});
}

// libyuv alone: convert, then its bilinear scaler per size (the usual choice).
void yuyvMultiLibyuv(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    for (const auto& [w, h] : sizes)
        outs.push_back(std::make_unique<I420>(w, h));
    for (auto _ : state) {
        libyuvYuyv(full.buffer);
        for (auto& out : outs)
            libyuvScale(full.buffer, out->buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

// swscale alone: one context per output (YUYV straight to each size).
void yuyvMultiSwscale(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    Swscale convert(kWidth, kHeight, AV_PIX_FMT_YUYV422, kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    std::vector<std::unique_ptr<Swscale>> scalers;
    for (const auto& [w, h] : sizes) {
        outs.push_back(std::make_unique<I420>(w, h));
        scalers.push_back(std::make_unique<Swscale>(kWidth, kHeight, AV_PIX_FMT_YUV420P, w, h));
    }
    const auto& in = yuyvInput();
    for (auto _ : state) {
        convert.packed(in.data(), kWidth * 2, full.buffer);
        for (std::size_t i = 0; i < outs.size(); ++i)
            scalers[i]->planar(full.buffer, outs[i]->buffer);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

// The best combination of existing libraries: libyuv's converter, swscale's scaler.
void yuyvMultiBest(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    std::vector<std::unique_ptr<Swscale>> scalers;
    for (const auto& [w, h] : sizes) {
        outs.push_back(std::make_unique<I420>(w, h));
        scalers.push_back(std::make_unique<Swscale>(kWidth, kHeight, AV_PIX_FMT_YUV420P, w, h));
    }
    for (auto _ : state) {
        libyuvYuyv(full.buffer);
        for (std::size_t i = 0; i < outs.size(); ++i)
            scalers[i]->planar(full.buffer, outs[i]->buffer);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

void BM_YuyvTo1080p720p_Libyuv(benchmark::State& state)
{
    yuyvMultiLibyuv(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p_Swscale(benchmark::State& state)
{
    yuyvMultiSwscale(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p_LibyuvSwscale(benchmark::State& state)
{
    yuyvMultiBest(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p360p_Libyuv(benchmark::State& state)
{
    yuyvMultiLibyuv(state, {{1280, 720}, {640, 360}});
}
void BM_YuyvTo1080p720p360p_Swscale(benchmark::State& state)
{
    yuyvMultiSwscale(state, {{1280, 720}, {640, 360}});
}
void BM_YuyvTo1080p720p360p_LibyuvSwscale(benchmark::State& state)
{
    yuyvMultiBest(state, {{1280, 720}, {640, 360}});
}

// ---- MJPEG 1080p -> I420 1080p / 720p -------------------------------------------------------

void BM_MjpegToI420_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{kWidth, kHeight}});
}

void BM_MjpegToI420_Libyuv(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    for (auto _ : state) {
        libyuvMjpeg(out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// The two above side by side (see runPaired): what the goal's ratio is judged on.
void BM_MjpegToI420_Paired(benchmark::State& state)
{
    Pipeline pipeline(NativePixelFormat::MJPEG, {{kWidth, kHeight}});
    I420 out(kWidth, kHeight);
    const auto& in = mjpegInput();
    runPaired(
            state, [&] { pipeline.feed(in); },
            [&] {
                libyuvMjpeg(out.buffer);
                benchmark::DoNotOptimize(out.buffer.y());
            });
}

void BM_MjpegTo720p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{1280, 720}});
}

// libyuv alone: MJPGToI420 at full size, then its bilinear scaler.
void mjpegScaledLibyuv(benchmark::State& state, int width, int height)
{
    I420 full(kWidth, kHeight);
    I420 out(width, height);
    for (auto _ : state) {
        libyuvMjpeg(full.buffer);
        libyuvScale(full.buffer, out.buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_MjpegTo720p_Libyuv(benchmark::State& state)
{
    mjpegScaledLibyuv(state, 1280, 720);
}

void BM_MjpegTo720p_LibyuvSwscale(benchmark::State& state)
{
    I420 full(kWidth, kHeight);
    I420 out(1280, 720);
    Swscale scale(kWidth, kHeight, AV_PIX_FMT_YUV420P, 1280, 720);
    for (auto _ : state) {
        libyuvMjpeg(full.buffer);
        scale.planar(full.buffer, out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// An MJPEG camera serving a 640x360 track: decoded at 1/2 by DCT scaling, then 2/3.
void BM_MjpegTo360p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{640, 360}});
}

void BM_MjpegTo360p_Libyuv(benchmark::State& state)
{
    mjpegScaledLibyuv(state, 640, 360);
}

// ---- the 2/3 scaler alone -------------------------------------------------------------------

void BM_Scale1080pTo720p_Ours(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        cropAndScale(i420Input(), out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_LibyuvBilinear(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        libyuvScale(i420Input(), out.buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_LibyuvBox(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        libyuvScale(i420Input(), out.buffer, libyuv::kFilterBox);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_Swscale(benchmark::State& state)
{
    I420 out(1280, 720);
    Swscale scale(kWidth, kHeight, AV_PIX_FMT_YUV420P, 1280, 720);
    for (auto _ : state) {
        scale.planar(i420Input(), out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// ---- fan-out ----------------------------------------------------------------------------------

void BM_FanOut(benchmark::State& state)
{
    std::vector<TrackSpec> tracks(static_cast<std::size_t>(state.range(0)),
                                  TrackSpec{kWidth, kHeight});
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), tracks);
}

// 8 tracks against 1, side by side (see runPaired): what the goal's ratio is judged on.
void BM_FanOutPaired(benchmark::State& state)
{
    Pipeline one(NativePixelFormat::YUYV, {{kWidth, kHeight}});
    Pipeline many(NativePixelFormat::YUYV,
                  std::vector<TrackSpec>(static_cast<std::size_t>(state.range(0)),
                                         TrackSpec{kWidth, kHeight}));
    const auto& in = yuyvInput();
    runPaired(
            state, [&] { many.feed(in); }, [&] { one.feed(in); });
}

// What one more track costs per frame, without the conversion that dwarfs it at 1080p: the
// same fan-out from a 64x36 I420 camera (conversion is a 3 KB copy). The difference between
// /8 and /1, divided by 7, is the delivery cost of one track (locks, decimation, statistics,
// the frame handed to its sink). cold:1 evicts the caches between frames (untimed) as a 1080p
// conversion does, so each track's state comes from memory again: the cost at 1080p.
void BM_FanOutDelivery(benchmark::State& state)
{
    constexpr int kSmallWidth = 64;
    constexpr int kSmallHeight = 36;
    const std::vector<std::uint8_t> input(kSmallWidth * kSmallHeight * 3 / 2, 128);
    Pipeline pipeline(NativePixelFormat::I420,
                      std::vector<TrackSpec>(static_cast<std::size_t>(state.range(0)),
                                             TrackSpec{kSmallWidth, kSmallHeight}),
                      kSmallWidth, kSmallHeight);
    pipeline.feed(input);
    std::vector<std::uint8_t> other(state.range(1) != 0 ? 8 << 20 : 0);
    for (auto _ : state) {
        if (!other.empty()) {
            state.PauseTiming();
            for (std::size_t i = 0; i < other.size(); i += 64)
                other[i] = static_cast<std::uint8_t>(other[i] + 1);
            state.ResumeTiming();
        }
        pipeline.feed(input);
    }
}

// ---- audio: one 10 ms chunk, 48 kHz stereo, source -> track -> F32 and S16 sinks ------------

void BM_AudioChunk10ms_Ours(benchmark::State& state)
{
    HandFedBackend backend;
    RegisteredDevice device;
    device.backend = &backend;
    device.description.id = "mic";
    device.description.kind = MediaDeviceKind::AudioInput;
    const NativeAudioMode mode{48000, 2, 16, 0.01};
    device.description.audioModes = {mode};
    auto source = CaptureSource::openAudio(device, mode, {}).value();
    TrackImpl::Init init;
    init.kind = MediaDeviceKind::AudioInput;
    // The settings getUserMedia gives a track of this mode: the track hears the variant they
    // name (its own rate and channel count), and the raw signal.
    init.settings.sampleRate = mode.sampleRate;
    init.settings.channelCount = mode.channels;
    init.settings.echoCancellation = false;
    init.settings.noiseSuppression = false;
    init.settings.autoGainControl = false;
    auto track = TrackImpl::create(std::make_shared<InlineTrackHost>(), source, init);
    std::atomic<std::uint64_t> frames{0};
    track->addAudioSink([&](const AudioBuffer& b) { frames.fetch_add(b.frames()); },
                        SampleFormat::F32);
    track->addAudioSink([&](const AudioBuffer& b) { frames.fetch_add(b.frames()); },
                        SampleFormat::S16);
    std::vector<float> samples(480 * 2);
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = 0.25F * static_cast<float>(std::sin(static_cast<double>(i) * 0.03));
    NativeAudioChunk chunk;
    chunk.sampleRate = 48000;
    chunk.channels = 2;
    chunk.frames = 480;
    chunk.samples = samples.data();
    for (auto _ : state) {
        source->onAudioChunk(chunk);
        chunk.firstFrame += 480;
        chunk.timestamp += std::chrono::milliseconds(10);
    }
    track->stop();
}

// The floor: copying the chunk once.
void BM_AudioChunk10ms_Memcpy(benchmark::State& state)
{
    std::vector<float> in(480 * 2, 0.25F);
    std::vector<float> out(in.size());
    for (auto _ : state) {
        std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
}

// ---- getUserMedia() -> first frame on a fake device -----------------------------------------

// Wall time from the call to the first frame in a sink, on the default fake camera with a
// ManualClock (moved by one frame period once the track exists): what the library costs, not
// the camera's exposure.
void BM_GetUserMediaToFirstFrame(benchmark::State& state)
{
    auto clock = std::make_shared<ManualClock>();
    MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.ignoreEnvironment = true;
    options.origin = "bench.usermedia";
    options.permissionPolicy = PermissionPolicy::AllowAll;
    options.clock = clock;
    auto devices = MediaDevices::create(options).value();
    for (auto _ : state) {
        auto stream = devices.getUserMedia(R"({"video": true})").waitFor(std::chrono::seconds(10));
        if (!stream || !stream->has_value()) {
            state.SkipWithError("getUserMedia failed");
            break;
        }
        auto track = (*stream)->getVideoTracks().at(0);
        std::atomic<bool> got{false};
        track.addVideoSink([&](const VideoFrame&) { got.store(true); });
        clock->advance(nanoseconds(33'333'334));
        if (!got.load())
            state.SkipWithError("no frame");
        track.stop();
    }
}

} // namespace
} // namespace usermedia

using namespace usermedia; // NOLINT(google-build-using-namespace): benchmark registration

BENCHMARK(BM_YuyvToI420_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvToI420_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvToI420_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegToI420_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegToI420_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegToI420_Paired)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo360p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo360p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_LibyuvBilinear)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_LibyuvBox)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FanOut)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FanOutPaired)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FanOutDelivery)
        ->ArgsProduct({{1, 8}, {0, 1}})
        ->ArgNames({"", "cold"})
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
BENCHMARK(BM_AudioChunk10ms_Ours)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_AudioChunk10ms_Memcpy)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_GetUserMediaToFirstFrame)->Unit(benchmark::kMillisecond)->UseRealTime();

namespace {

// --write-inputs=DIR[,FRAMES]: the same generated frames as files for the command-line tools:
// DIR/yuyv1080.yuv (FRAMES raw YUYV frames), DIR/mjpeg1080.mjpeg (FRAMES JPEG pictures
// back to back) and DIR/mjpeg/frameNNNN.jpg (one per file, for GStreamer's multifilesrc).
int writeInputs(const std::string& argument)
{
    const auto comma = argument.find(',');
    const std::filesystem::path dir = argument.substr(0, comma);
    const int frames = comma == std::string::npos ? 300 : std::stoi(argument.substr(comma + 1));
    std::filesystem::create_directories(dir / "mjpeg");
    fake::VideoGenerator yuyv(NativePixelFormat::YUYV, kWidth, kHeight);
    fake::VideoGenerator mjpeg(NativePixelFormat::MJPEG, kWidth, kHeight);
    std::ofstream raw(dir / "yuyv1080.yuv", std::ios::binary);
    std::ofstream stream(dir / "mjpeg1080.mjpeg", std::ios::binary);
    for (int i = 0; i < frames; ++i) {
        const nanoseconds at(static_cast<std::int64_t>(i) * 33'333'333);
        auto a = yuyv.generate(static_cast<std::uint64_t>(i), at);
        auto b = mjpeg.generate(static_cast<std::uint64_t>(i), at);
        if (!a || !b)
            return 1;
        raw.write(reinterpret_cast<const char*>(a->data), static_cast<std::streamsize>(a->size));
        stream.write(reinterpret_cast<const char*>(b->data), static_cast<std::streamsize>(b->size));
        std::array<char, 32> name{};
        std::snprintf(name.data(), name.size(), "frame%04d.jpg", i);
        std::ofstream file(dir / "mjpeg" / name.data(), std::ios::binary);
        file.write(reinterpret_cast<const char*>(b->data), static_cast<std::streamsize>(b->size));
    }
    return raw && stream ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string prefix = "--write-inputs=";
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument.rfind(prefix, 0) == 0)
            return writeInputs(argument.substr(prefix.size()));
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
