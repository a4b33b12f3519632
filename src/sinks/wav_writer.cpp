// SPDX-License-Identifier: MIT
#include "sinks/wav_writer.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "sinks/sink_error.h"

namespace usermedia {
namespace {

constexpr std::uint16_t kWaveFormatPcm = 1;
constexpr std::uint16_t kWaveFormatIeeeFloat = 3;
/// "WAVE" plus the fmt chunk (8 + 16) and the data chunk's header (8).
constexpr std::uint32_t kPcmHeaderSize = 44;
/// "WAVE", fmt chunk with cbSize (8 + 18), fact chunk (8 + 4), data chunk's header (8).
constexpr std::uint32_t kFloatHeaderSize = 58;

void putTag(std::vector<std::uint8_t>& out, std::string_view tag)
{
    out.insert(out.end(), tag.begin(), tag.end());
}

void putU16(std::vector<std::uint8_t>& out, std::uint16_t value)
{
    out.push_back(static_cast<std::uint8_t>(value));
    out.push_back(static_cast<std::uint8_t>(value >> 8));
}

void putU32(std::vector<std::uint8_t>& out, std::uint32_t value)
{
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

/** Chromium's mapping (media/base/audio_sample_types.h): -1 -> -32768, +1 -> 32767. */
std::int16_t toS16(float sample)
{
    if (std::isnan(sample))
        return 0;
    if (sample >= 1.0F)
        return 32767;
    if (sample <= -1.0F)
        return -32768;
    const float scaled = sample > 0 ? sample * 32767.0F : sample * 32768.0F;
    return static_cast<std::int16_t>(std::lround(scaled));
}

std::int16_t toS16(std::int16_t sample)
{
    return sample;
}

/** The inverse of toS16(float): -32768 -> -1, 32767 -> +1. */
float toF32(std::int16_t sample)
{
    return sample < 0 ? static_cast<float>(sample) / 32768.0F
                      : static_cast<float>(sample) / 32767.0F;
}

float toF32(float sample)
{
    return sample;
}

/** Writes \p samples in the file's encoding, little-endian, into \p out (already sized). */
template <typename Sample>
void encode(std::span<const Sample> samples, WavSampleFormat format, std::uint8_t* out)
{
    if (format == WavSampleFormat::S16) {
        for (const Sample sample : samples) {
            const auto bits = static_cast<std::uint16_t>(toS16(sample));
            *out++ = static_cast<std::uint8_t>(bits);
            *out++ = static_cast<std::uint8_t>(bits >> 8);
        }
        return;
    }
    for (const Sample sample : samples) {
        const auto bits = std::bit_cast<std::uint32_t>(toF32(sample));
        for (int shift = 0; shift < 32; shift += 8)
            *out++ = static_cast<std::uint8_t>(bits >> shift);
    }
}

Error badBuffer(const std::string& why)
{
    return sinkError(ErrorName::TypeError, "wav: invalid audio buffer: " + why);
}

} // namespace

std::uint32_t wavHeaderSize(WavSampleFormat format)
{
    return format == WavSampleFormat::S16 ? kPcmHeaderSize : kFloatHeaderSize;
}

Result<std::unique_ptr<WavWriter>> WavWriter::create(const std::string& path, int sampleRate,
                                                     int channels, WavSampleFormat format,
                                                     Options options)
{
    if (sampleRate <= 0 || sampleRate > kMaxSampleRate) {
        return sinkError(ErrorName::TypeError, "wav: sample rate " + std::to_string(sampleRate) +
                                                       " is outside 1.." +
                                                       std::to_string(kMaxSampleRate));
    }
    if (channels <= 0 || channels > kMaxChannels) {
        return sinkError(ErrorName::TypeError, "wav: channel count " + std::to_string(channels) +
                                                       " is outside 1.." +
                                                       std::to_string(kMaxChannels));
    }
    Result<OutputFile> file = OutputFile::create(path);
    if (!file)
        return file.error();
    std::unique_ptr<WavWriter> writer(
            new WavWriter(std::move(*file), sampleRate, channels, format, options));
    Result<void> written = writer->file_.append(writer->header());
    if (!written)
        return written.error();
    return writer;
}

WavWriter::WavWriter(OutputFile file, int sampleRate, int channels, WavSampleFormat format,
                     const Options& options)
    : file_(std::move(file)),
      sampleRate_(sampleRate),
      channels_(channels),
      format_(format),
      patchInterval_(options.headerPatchIntervalFrames != 0
                             ? options.headerPatchIntervalFrames
                             : static_cast<std::uint32_t>(sampleRate))
{
    // The RIFF size counts everything after its own field: the header minus 8, plus the data.
    const std::uint64_t riffLimit = std::uint64_t{UINT32_MAX} - (wavHeaderSize(format) - 8);
    const std::uint64_t limit = std::min(options.maxDataBytes, riffLimit);
    // Whole sample frames only, which also keeps the data chunk even (no pad byte needed).
    maxDataBytes_ = limit - limit % bytesPerFrame();
}

WavWriter::~WavWriter()
{
    (void)close();
}

std::uint32_t WavWriter::bytesPerFrame() const
{
    const std::uint32_t sampleBytes = format_ == WavSampleFormat::S16 ? 2 : 4;
    return sampleBytes * static_cast<std::uint32_t>(channels_);
}

std::vector<std::uint8_t> WavWriter::header() const
{
    // Callers keep dataBytes_ <= maxDataBytes_, so every size below fits in 32 bits.
    const auto dataBytes = static_cast<std::uint32_t>(dataBytes_);
    const std::uint32_t headerSize = wavHeaderSize(format_);
    const bool isFloat = format_ == WavSampleFormat::F32;
    const std::uint32_t blockAlign = bytesPerFrame();

    std::vector<std::uint8_t> out;
    out.reserve(headerSize);
    putTag(out, "RIFF");
    putU32(out, headerSize - 8 + dataBytes);
    putTag(out, "WAVE");
    putTag(out, "fmt ");
    putU32(out, isFloat ? 18 : 16);
    putU16(out, isFloat ? kWaveFormatIeeeFloat : kWaveFormatPcm);
    putU16(out, static_cast<std::uint16_t>(channels_));
    putU32(out, static_cast<std::uint32_t>(sampleRate_));
    putU32(out, static_cast<std::uint32_t>(sampleRate_) * blockAlign);
    putU16(out, static_cast<std::uint16_t>(blockAlign));
    putU16(out, isFloat ? 32 : 16);
    if (isFloat) {
        putU16(out, 0); // cbSize: no extension
        // Non-PCM formats need a fact chunk with the length in sample frames.
        putTag(out, "fact");
        putU32(out, 4);
        putU32(out, dataBytes / blockAlign);
    }
    putTag(out, "data");
    putU32(out, dataBytes);
    return out;
}

Result<void> WavWriter::write(const AudioBuffer& buffer)
{
    if (closed_)
        return sinkError(ErrorName::InvalidStateError, "wav: '" + path() + "' is already closed");
    if (failure_)
        return *failure_;
    if (!buffer.valid())
        return badBuffer("the buffer holds no samples");
    if (buffer.sampleRate() != sampleRate_ || buffer.channels() != channels_) {
        return badBuffer(std::to_string(buffer.sampleRate()) + " Hz x " +
                         std::to_string(buffer.channels()) +
                         " channels does not match the file's " + std::to_string(sampleRate_) +
                         " Hz x " + std::to_string(channels_));
    }
    if (buffer.frames() < 0)
        return badBuffer("negative frame count " + std::to_string(buffer.frames()));
    if (buffer.frames() == 0)
        return {};
    const bool isF32 = buffer.format() == SampleFormat::F32;
    if ((isF32 ? buffer.f32().data() == nullptr : buffer.s16().data() == nullptr))
        return badBuffer("the sample pointer is null");

    const std::uint64_t bytes = std::uint64_t{bytesPerFrame()} * std::uint64_t(buffer.frames());
    if (bytes > maxDataBytes_ - dataBytes_) {
        return fail(
                sinkError(ErrorName::AbortError,
                          "wav: '" + path() + "' reached the WAV size limit (" +
                                  std::to_string(maxDataBytes_) +
                                  " bytes of audio, 32-bit RIFF sizes); recording stopped with " +
                                  std::to_string(dataBytes_) + " bytes, the file is valid",
                          EFBIG));
    }

    converted_.resize(bytes);
    if (isF32) {
        encode(buffer.f32(), format_, converted_.data());
    } else {
        encode(buffer.s16(), format_, converted_.data());
    }
    if (Result<void> written = file_.append(converted_); !written)
        return fail(written.error());
    dataBytes_ += bytes;
    framesSincePatch_ += static_cast<std::uint64_t>(buffer.frames());
    if (framesSincePatch_ >= patchInterval_) {
        if (Result<void> patched = patchHeader(); !patched)
            return fail(patched.error());
    }
    return {};
}

Result<void> WavWriter::close()
{
    if (closed_)
        return {};
    closed_ = true;
    Result<void> patched = patchHeader();
    Result<void> fileClosed = file_.close();
    if (!patched)
        return patched;
    return fileClosed;
}

Result<void> WavWriter::patchHeader()
{
    framesSincePatch_ = 0;
    return file_.writeAt(0, header());
}

Result<void> WavWriter::fail(Error error)
{
    failure_ = error;
    // The data on disk ends after the last whole buffer (OutputFile::append is all or nothing):
    // make the header say so. If even this fails, the last patch still holds.
    (void)patchHeader();
    return error;
}

} // namespace usermedia
