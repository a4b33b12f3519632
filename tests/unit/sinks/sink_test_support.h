// SPDX-License-Identifier: MIT
// Frames, buffers, temporary directories and a small independent WAV reader for the sinks tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <stdlib.h>

#include <usermedia/audio_buffer.h>
#include <usermedia/video_frame.h>

namespace usermedia::testing {

/** A fresh directory under the test temp dir, removed with its contents at the end. */
class TempDir
{
public:
    TempDir()
    {
        std::string pattern = ::testing::TempDir() + "um_sinks_XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr)
            ADD_FAILURE() << "mkdtemp failed for " << pattern;
        path_ = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline std::vector<std::uint8_t> readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

/** Planes laid out with padding, the pixels owned by the frame. */
struct PlaneSpec
{
    int stride = 0;
    int rows = 0;
};

/**
 * A frame of \p format and size whose byte at (plane p, row r, byte b) is pixel(p, r, b); the
 * padding after each row holds 0xEE so that a writer copying it would show.
 */
template <typename PixelFunction>
VideoFrame makeFrame(VideoPixelFormat format, int width, int height, int padding,
                     PixelFunction pixel)
{
    const int chromaWidth = (width + 1) / 2;
    const int chromaHeight = (height + 1) / 2;
    std::vector<PlaneSpec> planes;
    std::vector<int> rowBytes;
    planes.push_back({width + padding, height});
    rowBytes.push_back(width);
    if (format == VideoPixelFormat::I420) {
        for (int i = 0; i < 2; ++i) {
            planes.push_back({chromaWidth + padding, chromaHeight});
            rowBytes.push_back(chromaWidth);
        }
    } else {
        planes.push_back({2 * chromaWidth + padding, chromaHeight});
        rowBytes.push_back(2 * chromaWidth);
    }
    std::size_t total = 0;
    for (const PlaneSpec& plane : planes)
        total += static_cast<std::size_t>(plane.stride) * static_cast<std::size_t>(plane.rows);
    auto storage = std::make_shared<std::vector<std::uint8_t>>(total, 0xEE);

    VideoFrame::Init init;
    init.format = format;
    init.width = width;
    init.height = height;
    std::size_t offset = 0;
    for (std::size_t p = 0; p < planes.size(); ++p) {
        std::uint8_t* base = storage->data() + offset;
        for (int row = 0; row < planes[p].rows; ++row) {
            for (int b = 0; b < rowBytes[p]; ++b)
                base[row * planes[p].stride + b] = pixel(static_cast<int>(p), row, b);
        }
        init.planes[p] = VideoPlane{base, planes[p].stride};
        offset += static_cast<std::size_t>(planes[p].stride) *
                  static_cast<std::size_t>(planes[p].rows);
    }
    return VideoFrame(init, std::move(storage));
}

/** A frame of one colour. */
inline VideoFrame makeSolidFrame(VideoPixelFormat format, int width, int height, std::uint8_t y,
                                 std::uint8_t u, std::uint8_t v)
{
    return makeFrame(format, width, height, 3, [&](int plane, int, int byte) -> std::uint8_t {
        if (plane == 0)
            return y;
        if (format == VideoPixelFormat::NV12)
            return byte % 2 == 0 ? u : v;
        return plane == 1 ? u : v;
    });
}

template <typename Sample>
AudioBuffer makeAudio(int sampleRate, int channels, std::vector<Sample> samples)
{
    auto storage = std::make_shared<std::vector<Sample>>(std::move(samples));
    AudioBuffer::Init init;
    init.format = std::is_same_v<Sample, float> ? SampleFormat::F32 : SampleFormat::S16;
    init.sampleRate = sampleRate;
    init.channels = channels;
    init.frames = static_cast<int>(storage->size()) / channels;
    init.data = storage->data();
    return AudioBuffer(init, std::move(storage));
}

inline std::uint32_t readU32(const std::uint8_t* p)
{
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}

inline std::uint16_t readU16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

/** What a strict reader sees in a WAV file. */
struct ParsedWav
{
    std::uint16_t formatTag = 0;
    std::uint16_t channels = 0;
    std::uint32_t sampleRate = 0;
    std::uint32_t byteRate = 0;
    std::uint16_t blockAlign = 0;
    std::uint16_t bitsPerSample = 0;
    std::optional<std::uint32_t> factFrames;
    std::vector<std::uint8_t> data;
};

/**
 * Walks the RIFF chunks the way a strict reader does and fails (nullopt, with the reason added
 * to the test's failures) if any size points past the end of the bytes it was given.
 */
inline std::optional<ParsedWav> parseWav(const std::vector<std::uint8_t>& file)
{
    if (file.size() < 12 || std::memcmp(file.data(), "RIFF", 4) != 0 ||
        std::memcmp(file.data() + 8, "WAVE", 4) != 0) {
        ADD_FAILURE() << "not a RIFF/WAVE file";
        return std::nullopt;
    }
    const std::uint64_t riffEnd = 8 + std::uint64_t{readU32(file.data() + 4)};
    if (riffEnd > file.size()) {
        ADD_FAILURE() << "RIFF size " << riffEnd << " runs past the file (" << file.size() << ")";
        return std::nullopt;
    }
    ParsedWav wav;
    bool haveFormat = false;
    std::size_t at = 12;
    while (at + 8 <= riffEnd) {
        const std::uint8_t* chunk = file.data() + at;
        const std::uint32_t size = readU32(chunk + 4);
        if (at + 8 + std::uint64_t{size} > riffEnd) {
            ADD_FAILURE() << "chunk at " << at << " of size " << size << " runs past RIFF end";
            return std::nullopt;
        }
        const std::uint8_t* body = chunk + 8;
        if (std::memcmp(chunk, "fmt ", 4) == 0 && size >= 16) {
            wav.formatTag = readU16(body);
            wav.channels = readU16(body + 2);
            wav.sampleRate = readU32(body + 4);
            wav.byteRate = readU32(body + 8);
            wav.blockAlign = readU16(body + 12);
            wav.bitsPerSample = readU16(body + 14);
            haveFormat = true;
        } else if (std::memcmp(chunk, "fact", 4) == 0 && size >= 4) {
            wav.factFrames = readU32(body);
        } else if (std::memcmp(chunk, "data", 4) == 0) {
            if (!haveFormat) {
                ADD_FAILURE() << "data chunk before fmt chunk";
                return std::nullopt;
            }
            wav.data.assign(body, body + size);
            return wav;
        }
        at += 8 + size + (size & 1);
    }
    ADD_FAILURE() << "no data chunk";
    return std::nullopt;
}

} // namespace usermedia::testing
