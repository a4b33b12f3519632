// SPDX-License-Identifier: MIT
// Records an audio track to a RIFF/WAVE (.wav) file that stays valid if recording is cut off.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <usermedia/audio_buffer.h>
#include <usermedia/result.h>

#include "sinks/output_file.h"

namespace usermedia {

/** \brief The sample encoding stored in the file. */
enum class WavSampleFormat
{
    S16, ///< WAVE_FORMAT_PCM, 16-bit signed
    F32, ///< WAVE_FORMAT_IEEE_FLOAT, 32-bit, with the fact chunk that format requires
};

/**
 * \brief Writes the buffers of an audio track to a .wav file as they arrive.
 *
 * Input may be F32 or S16; it is converted to the file's format. F32 -> S16 maps 1.0 to 32767
 * and -1.0 to -32768 (as Chromium does), rounds to nearest and clips; S16 -> F32 is the inverse.
 *
 * Crash safety: the header is written up front with the sizes of what the file holds, and is
 * patched in place after every ~1 s of audio (Options::headerPatchIntervalFrames) and at
 * close(). The sizes it states never exceed the data on disk (data is written before the header
 * is patched), so a file cut off at any point (the process crashed, a copy was taken while
 * recording) is a valid WAV holding all but at most the last interval. Against power loss only
 * close() guarantees anything: it fsyncs.
 *
 * Channels are stored interleaved in the track's order with the plain fmt chunk, not
 * WAVE_FORMAT_EXTENSIBLE: no speaker layout is recorded (tracks do not report one); FFmpeg and
 * SoX read such files with any channel count.
 *
 * Size limit: RIFF sizes are 32-bit. A buffer that would take the file past 4 GiB is refused
 * with an error before anything overflows; the header is then patched to the data written and
 * the file stays valid (start a new file to go on recording).
 *
 * Errors: a file the OS refuses to create or write gives ErrorName::AbortError with `osError`
 * = errno and a message naming the path and the reason (see OutputFile for why AbortError); the
 * 4 GiB limit gives AbortError with osError EFBIG. Bad arguments or buffers give TypeError.
 *
 * Thread: not thread-safe; use it from one thread at a time. write() does file I/O: never call
 * it on a capture thread, put it behind a QueuedWriter (sinks/queued_writer.h).
 */
class WavWriter
{
public:
    struct Options
    {
        /// Audio frames (samples per channel) between header patches; 0 means one second.
        std::uint32_t headerPatchIntervalFrames = 0;
        /// Most data bytes the file may hold; clamped to what the 32-bit RIFF size allows.
        /// Tests lower it to reach the limit without writing 4 GiB.
        std::uint64_t maxDataBytes = std::numeric_limits<std::uint64_t>::max();
    };

    static constexpr int kMaxChannels = 32;
    static constexpr int kMaxSampleRate = 768000;

    /**
     * \brief Creates (or truncates) \p path and writes a header for an empty recording.
     * \param sampleRate, channels what every buffer must carry (1..kMaxSampleRate,
     *        1..kMaxChannels).
     * Errors: TypeError for a bad rate or channel count; AbortError (osError set) when the file
     * cannot be created or the header written.
     */
    static Result<std::unique_ptr<WavWriter>> create(const std::string& path, int sampleRate,
                                                     int channels, WavSampleFormat format,
                                                     Options options);
    static Result<std::unique_ptr<WavWriter>> create(const std::string& path, int sampleRate,
                                                     int channels, WavSampleFormat format)
    {
        return create(path, sampleRate, channels, format, Options{});
    }

    /** \brief Closes the file if close() was not called (errors are then lost). */
    ~WavWriter();
    WavWriter(const WavWriter&) = delete;
    WavWriter& operator=(const WavWriter&) = delete;

    /**
     * \brief Appends one buffer, converted to the file's format.
     * A failed write leaves a valid file with every earlier buffer, and the writer refuses every
     * later buffer with the same error.
     * Errors: TypeError for an invalid buffer or one whose rate or channel count differs from
     * the file's; AbortError for an OS failure (osError = errno) or the 4 GiB limit (EFBIG);
     * InvalidStateError after close().
     */
    Result<void> write(const AudioBuffer& buffer);

    /**
     * \brief Patches the header, flushes to disk (fsync) and closes the file; later calls
     * succeed and do nothing.
     * Errors: AbortError (osError set) when the header or the data could not be made durable.
     */
    Result<void> close();

    int sampleRate() const { return sampleRate_; }
    int channels() const { return channels_; }
    WavSampleFormat format() const { return format_; }
    /** \brief Audio frames (samples per channel) written so far. */
    std::uint64_t framesWritten() const { return dataBytes_ / bytesPerFrame(); }
    /** \brief Bytes in the data chunk so far. */
    std::uint64_t dataBytes() const { return dataBytes_; }
    /** \brief Most bytes the data chunk may hold (Options::maxDataBytes, clamped). */
    std::uint64_t maxDataBytes() const { return maxDataBytes_; }
    const std::string& path() const { return file_.path(); }

private:
    WavWriter(OutputFile file, int sampleRate, int channels, WavSampleFormat format,
              const Options& options);
    std::uint32_t bytesPerFrame() const;
    std::vector<std::uint8_t> header() const;
    Result<void> patchHeader();
    Result<void> fail(Error error);

    OutputFile file_;
    int sampleRate_ = 0;
    int channels_ = 0;
    WavSampleFormat format_ = WavSampleFormat::S16;
    std::uint32_t patchInterval_ = 0;
    std::uint64_t maxDataBytes_ = 0;
    std::uint64_t dataBytes_ = 0;
    std::uint64_t framesSincePatch_ = 0;
    /// Samples converted to the file's format; reused so steady state does not allocate.
    std::vector<std::uint8_t> converted_;
    bool closed_ = false;
    /// The first write error; every later write() returns it.
    std::optional<Error> failure_;
};

/** \brief Bytes before the samples in a file written by WavWriter (44 for S16, 58 for F32). */
std::uint32_t wavHeaderSize(WavSampleFormat format);

} // namespace usermedia
