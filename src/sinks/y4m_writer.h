// SPDX-License-Identifier: MIT
// Records a video track to a YUV4MPEG2 (.y4m) file: raw I420 frames behind a one-line header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <usermedia/result.h>
#include <usermedia/video_frame.h>

#include "sinks/output_file.h"

namespace usermedia {

/** \brief A frame rate as the exact fraction a Y4M header (or a container) stores. */
struct FrameRateFraction
{
    int numerator = 0;
    int denominator = 1;

    friend bool operator==(const FrameRateFraction&, const FrameRateFraction&) = default;
};

/**
 * \brief The fraction that \p frameRate stands for: 30 -> 30/1, 7.5 -> 15/2, and the NTSC
 * family written with rounded decimals (29.97, 23.976, 59.94) -> N*1000/1001.
 *
 * Whole numbers win first; then a rate within 0.02 % of N*1000/1001 is taken to be that NTSC
 * rate (cameras report 29.97 for 30000/1001); anything else is the simplest fraction within
 * one part in 10^9 (continued fractions), with both terms in int range.
 * Errors: TypeError when \p frameRate is not finite or not in (0, 1e6].
 * Thread: any (pure).
 */
Result<FrameRateFraction> frameRateFraction(double frameRate);

/**
 * \brief Writes the frames of a video track to a .y4m file as they arrive.
 *
 * The header is `YUV4MPEG2 W<w> H<h> F<num>:<den> Ip A1:1 C420jpeg`; each frame is `FRAME\n`
 * and the I420 planes, tightly packed. NV12 input is converted with libyuv, and frames whose
 * size differs from the header (a track's size can change after applyConstraints) are scaled
 * to it and counted in scaledFrames().
 *
 * Crash safety: Y4M has no index and no size fields, so every frame handed to the kernel is
 * part of a valid file. Each frame goes to the kernel in one all-or-nothing append (see
 * OutputFile): there is no user-space buffer to flush, so a crash of the process keeps every
 * frame that write() accepted; close() fsyncs against power loss.
 *
 * Errors: a file the OS refuses to create or write gives ErrorName::AbortError with `osError`
 * = errno and a message naming the path and the reason (see OutputFile for why AbortError).
 * Bad arguments or frames give TypeError.
 *
 * Thread: not thread-safe; use it from one thread at a time. write() does file I/O: never call
 * it on a capture thread, put it behind a QueuedWriter (sinks/queued_writer.h).
 */
class Y4mWriter
{
public:
    /** Larger pictures are refused: they would overflow the frame size arithmetic. */
    static constexpr int kMaxDimension = 16384;

    /**
     * \brief Creates (or truncates) \p path and writes the header.
     * \param width, height the picture size of the file, 1..kMaxDimension.
     * \param frameRate nominal frames per second, written as a fraction (frameRateFraction()).
     * Errors: TypeError for a bad size or rate; AbortError (osError set) when the file cannot
     * be created or the header written.
     */
    static Result<std::unique_ptr<Y4mWriter>> create(const std::string& path, int width, int height,
                                                     double frameRate);

    /** \brief Closes the file if close() was not called (errors are then lost). */
    ~Y4mWriter();
    Y4mWriter(const Y4mWriter&) = delete;
    Y4mWriter& operator=(const Y4mWriter&) = delete;

    /**
     * \brief Appends one frame, converted to I420 and scaled to the header size if needed.
     * A failed write leaves the file ending after the last whole frame, and the writer refuses
     * every later frame with the same error.
     * Errors: TypeError for an invalid frame (default-constructed, missing plane, stride shorter
     * than a row); AbortError (osError set) when the file cannot be written;
     * InvalidStateError after close().
     */
    Result<void> write(const VideoFrame& frame);

    /**
     * \brief Flushes to disk (fsync) and closes the file; later calls succeed and do nothing.
     * Errors: AbortError (osError set) when the data could not be made durable.
     */
    Result<void> close();

    int width() const { return width_; }
    int height() const { return height_; }
    FrameRateFraction frameRate() const { return frameRate_; }
    /** \brief Frames written so far. */
    std::uint64_t framesWritten() const { return framesWritten_; }
    /** \brief Of those, the frames that had another size and were scaled to the header size. */
    std::uint64_t scaledFrames() const { return scaledFrames_; }
    const std::string& path() const { return file_.path(); }

private:
    Y4mWriter(OutputFile file, int width, int height, FrameRateFraction frameRate);

    OutputFile file_;
    int width_ = 0;
    int height_ = 0;
    FrameRateFraction frameRate_;
    /// "FRAME\n" followed by the header-sized I420 picture: what one write() appends.
    std::vector<std::uint8_t> record_;
    /// A frame of another size, as I420 at its own size, before scaling (NV12 input only).
    std::vector<std::uint8_t> unscaled_;
    std::uint64_t framesWritten_ = 0;
    std::uint64_t scaledFrames_ = 0;
    bool closed_ = false;
    /// The first write error; every later write() returns it.
    std::optional<Error> failure_;
};

} // namespace usermedia
