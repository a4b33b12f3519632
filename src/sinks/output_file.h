// SPDX-License-Identifier: MIT
// The one place where the file sinks touch the OS: an output file whose appends are
// all-or-nothing, so a failed write never leaves half a frame or half a chunk behind.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <usermedia/result.h>

namespace usermedia {

/**
 * \brief A file being recorded: appends at the end, patches in place, syncs on close.
 *
 * Writes go straight to the kernel (pwrite, no user-space buffer), so once append() returns the
 * bytes survive a crash of this process; close() adds fsync for power loss.
 *
 * Errors: every OS failure is reported as ErrorName::AbortError with `osError` = errno and a
 * message naming the path and the OS's reason ("cannot write '/tmp/a.wav': No space left on
 * device"). ErrorName has no name for "the output failed" (NotReadableError is for sources), and
 * AbortError is what the web reports when an operation is stopped by a failure outside the
 * caller's control; the errno keeps the precise reason.
 *
 * Thread: not thread-safe; one thread at a time (a sink's worker thread).
 */
class OutputFile
{
public:
    /**
     * \brief Creates (or truncates) \p path for writing, mode 0644 minus the umask.
     * Errors: AbortError (osError set) when the OS refuses.
     */
    static Result<OutputFile> create(const std::string& path);

    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&& other) noexcept;
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    /** \brief Closes without fsync if close() was not called. */
    ~OutputFile();

    /**
     * \brief Writes \p bytes at the end of the file, all or nothing.
     * On failure the file is truncated back to its previous size, so it never ends in a
     * partial record. Errors: AbortError (osError set); InvalidStateError after close().
     */
    Result<void> append(std::span<const std::uint8_t> bytes);

    /**
     * \brief Overwrites bytes already written (a header's size fields).
     * Errors: AbortError (osError set); InvalidStateError after close() or when the range is not
     * inside what was written.
     */
    Result<void> writeAt(std::uint64_t offset, std::span<const std::uint8_t> bytes);

    /**
     * \brief fsync()s and closes the file. A second call does nothing and succeeds.
     * Errors: AbortError (osError set) when fsync or close fails (the data may be lost).
     */
    Result<void> close();

    /** \brief Bytes appended so far. */
    std::uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }
    bool isOpen() const { return fd_ >= 0; }

private:
    OutputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    Result<void> pwriteAll(std::uint64_t offset, std::span<const std::uint8_t> bytes);
    Error osError(const char* action, int err) const;
    Error closedError() const;

    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

} // namespace usermedia
