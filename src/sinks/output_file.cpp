// SPDX-License-Identifier: MIT
#include "sinks/output_file.h"

#include <cerrno>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include "sinks/sink_error.h"

namespace usermedia {

Result<OutputFile> OutputFile::create(const std::string& path)
{
    int fd = -1;
    do {
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int err = errno;
        return sinkError(ErrorName::AbortError,
                         "cannot create '" + path + "': " + std::generic_category().message(err),
                         err);
    }
    return OutputFile(path, fd);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_)
{}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = other.size_;
    }
    return *this;
}

OutputFile::~OutputFile()
{
    if (fd_ >= 0)
        ::close(fd_);
}

Result<void> OutputFile::append(std::span<const std::uint8_t> bytes)
{
    if (fd_ < 0)
        return closedError();
    Result<void> written = pwriteAll(size_, bytes);
    if (!written) {
        // Cut off whatever part of the record made it, so readers see only whole records. If
        // even that fails the next append still starts at size_ and overwrites the remains.
        while (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 && errno == EINTR) {
        }
        return written;
    }
    size_ += bytes.size();
    return {};
}

Result<void> OutputFile::writeAt(std::uint64_t offset, std::span<const std::uint8_t> bytes)
{
    if (fd_ < 0)
        return closedError();
    if (offset > size_ || bytes.size() > size_ - offset) {
        return sinkError(ErrorName::InvalidStateError,
                         "cannot patch '" + path_ + "' beyond the bytes written so far");
    }
    return pwriteAll(offset, bytes);
}

Result<void> OutputFile::close()
{
    if (fd_ < 0)
        return {};
    const int fd = std::exchange(fd_, -1);
    int syncError = 0;
    if (::fsync(fd) != 0)
        syncError = errno;
    // close() is not retried on EINTR: on Linux the descriptor is released either way.
    const int closeError = ::close(fd) == 0 ? 0 : errno;
    if (syncError != 0)
        return osError("cannot sync", syncError);
    if (closeError != 0)
        return osError("cannot close", closeError);
    return {};
}

Result<void> OutputFile::pwriteAll(std::uint64_t offset, std::span<const std::uint8_t> bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return osError("cannot write", errno);
        }
        if (n == 0) // Never happens for regular files; guards against spinning forever.
            return osError("cannot write", EIO);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Error OutputFile::osError(const char* action, int err) const
{
    return sinkError(
            ErrorName::AbortError,
            std::string(action) + " '" + path_ + "': " + std::generic_category().message(err), err);
}

Error OutputFile::closedError() const
{
    return sinkError(ErrorName::InvalidStateError, "'" + path_ + "' is already closed");
}

} // namespace usermedia
